using Marketplace.Core.Timers;
using NCrontab;

namespace Marketplace.Server.Timers;

/// <summary>
/// Runs the cron jobs of the standalone server (the Function App uses timer triggers with the same schedules).
/// At start-up a job whose last completed occurrence is older than its latest due occurrence runs at once: the
/// runs missed while the process was down are caught up.
/// </summary>
public sealed class CronService(IEnumerable<ICronJob> jobs, ICronStateStore state, TimeProvider time, ILogger<CronService> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(jobs.Select(job => RunJobAsync(job, stoppingToken)));

    private async Task RunJobAsync(ICronJob job, CancellationToken ct)
    {
        var schedule = CrontabSchedule.Parse(job.Schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        try
        {
            var last = await state.LastRunAsync(job.Name, ct);
            var now = time.GetUtcNow();
            var latestDue = Previous(schedule, job.TimeZone, now);
            if (latestDue is { } due && (last is null || last < due))
                await RunOnceAsync(job, due, ct);

            while (!ct.IsCancellationRequested)
            {
                var next = Next(schedule, job.TimeZone, time.GetUtcNow());
                var delay = next - time.GetUtcNow();
                if (delay > TimeSpan.Zero) await Task.Delay(delay, time, ct);
                await RunOnceAsync(job, next, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private async Task RunOnceAsync(ICronJob job, DateTimeOffset occurrence, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                await job.RunAsync(occurrence, ct);
                await state.SaveLastRunAsync(job.Name, occurrence, ct);
                logger.LogInformation("Cron job {Job} ran for {Occurrence:O}", job.Name, occurrence);
                return;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogError(ex, "Cron job {Job} failed for {Occurrence:O} (attempt {Attempt})", job.Name, occurrence, attempt);
                await Task.Delay(TimeSpan.FromSeconds(5 * attempt), time, ct);
            }
        }
    }

    /// <summary>The next occurrence strictly after <paramref name="nowUtc"/>, computed in the job's zone.</summary>
    public static DateTimeOffset Next(CrontabSchedule schedule, TimeZoneInfo zone, DateTimeOffset nowUtc)
    {
        var local = TimeZoneInfo.ConvertTime(nowUtc, zone).DateTime;
        var nextLocal = schedule.GetNextOccurrence(local);
        return ToUtc(nextLocal, zone);
    }

    /// <summary>The latest occurrence at or before <paramref name="nowUtc"/> within the last 8 days, if any.</summary>
    public static DateTimeOffset? Previous(CrontabSchedule schedule, TimeZoneInfo zone, DateTimeOffset nowUtc)
    {
        var local = TimeZoneInfo.ConvertTime(nowUtc, zone).DateTime;
        DateTime? latest = null;
        foreach (var o in schedule.GetNextOccurrences(local.AddDays(-8), local.AddTicks(1))) latest = o;
        return latest is { } l ? ToUtc(l, zone) : null;
    }

    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified)) unspecified = unspecified.AddHours(1); // skipped by a DST change
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
    }
}

using Marketplace.Core.Timers;
using Microsoft.Extensions.Logging;
using NCrontab;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Runs a named <see cref="ICronJob"/> for its latest occurrence that is due now, computed from the job's own
/// schedule in the job's own time zone, once: an occurrence that already completed (per <see cref="ICronStateStore"/>)
/// is skipped. For hosts whose timers only say "it may be time" (the Function App's timer triggers fire on a UTC
/// schedule): a trigger that fires late runs the occurrence it missed (the job catches up earlier ones itself), one
/// that fires early or twice runs nothing, so the job never runs before its time in its zone.
/// </summary>
public sealed class CronJobRunner(IEnumerable<ICronJob> jobs, ICronStateStore state, TimeProvider time, ILogger<CronJobRunner> logger)
{
    private readonly Dictionary<string, ICronJob> _jobs = jobs.ToDictionary(j => j.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _jobs.Keys;

    /// <summary>Runs the job if an occurrence is due and not yet done; returns the occurrence it ran, if any.</summary>
    public async Task<DateTimeOffset?> RunDueAsync(string name, CancellationToken ct)
    {
        if (!_jobs.TryGetValue(name, out var job))
            throw new InvalidOperationException($"No cron job named '{name}' is registered; the host's timer and the registered jobs disagree (known: {string.Join(", ", _jobs.Keys)}).");

        var due = LatestDue(job.Schedule, job.TimeZone, time.GetUtcNow());
        if (due is null) return null;
        var last = await state.LastRunAsync(name, ct);
        if (last >= due)
        {
            logger.LogInformation("Cron job {Job}: occurrence {Occurrence:O} already ran", name, due);
            return null;
        }

        await job.RunAsync(due.Value, ct);
        await state.SaveLastRunAsync(name, due.Value, ct);
        logger.LogInformation("Cron job {Job} ran for {Occurrence:O}", name, due);
        return due;
    }

    /// <summary>The latest occurrence of a six-field cron schedule at or before <paramref name="nowUtc"/> (within 8 days), computed in <paramref name="zone"/>.</summary>
    public static DateTimeOffset? LatestDue(string schedule, TimeZoneInfo zone, DateTimeOffset nowUtc)
    {
        var cron = CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        var local = TimeZoneInfo.ConvertTime(nowUtc, zone).DateTime;
        DateTime? latest = null;
        foreach (var o in cron.GetNextOccurrences(local.AddDays(-8), local.AddTicks(1))) latest = o;
        if (latest is not { } l) return null;
        var unspecified = DateTime.SpecifyKind(l, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified)) unspecified = unspecified.AddHours(1); // skipped by a daylight-saving change
        var utc = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
        return utc <= nowUtc ? utc : null;
    }
}

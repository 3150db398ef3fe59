using Marketplace.Api.Hosting;
using Marketplace.Core.Timers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Server.Tests.Functions;

/// <summary>
/// The Function App's timer triggers fire on UTC schedules and call <see cref="CronJobRunner"/>, which decides from the
/// job's own schedule and zone which occurrence is due: the job runs at its local time, once, and catches up late.
/// </summary>
public class CronJobRunnerTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private readonly ManualTime _time = new();
    private readonly MemoryCronState _state = new();
    private readonly RecordingJob _daily = new("bill-run-daily", "0 0 1 * * *", Shanghai);
    private readonly RecordingJob _hourly = new("bill-run-hourly", "0 15 * * * *", Shanghai);

    private CronJobRunner Runner() => new([_daily, _hourly], _state, _time, NullLogger<CronJobRunner>.Instance);

    [Fact]
    public async Task The_utc_trigger_runs_the_occurrence_due_in_the_jobs_zone_once()
    {
        // 01:00 in Shanghai on 23 November is 17:00 UTC on the 22nd: the daily trigger's UTC schedule is 0 0 17 * * *.
        _time.Now = new DateTimeOffset(2026, 11, 22, 17, 0, 0, 300, TimeSpan.Zero);
        var ran = await Runner().RunDueAsync("bill-run-daily", CancellationToken.None);

        var occurrence = new DateTimeOffset(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
        Assert.Equal(occurrence, ran);
        Assert.Equal([occurrence], _daily.Runs);

        _time.Now = _time.Now.AddSeconds(30); // a second firing (another instance, a retry): nothing more
        Assert.Null(await Runner().RunDueAsync("bill-run-daily", CancellationToken.None));
        Assert.Single(_daily.Runs);
    }

    [Fact]
    public async Task A_trigger_that_fires_early_never_runs_the_job_before_its_local_time()
    {
        _state.Saved["bill-run-daily"] = new DateTimeOffset(2026, 11, 21, 17, 0, 0, TimeSpan.Zero);
        _time.Now = new DateTimeOffset(2026, 11, 22, 16, 59, 59, TimeSpan.Zero);
        Assert.Null(await Runner().RunDueAsync("bill-run-daily", CancellationToken.None));
        Assert.Empty(_daily.Runs);
    }

    [Fact]
    public async Task After_downtime_the_latest_missed_occurrence_runs_and_the_job_catches_up_the_rest()
    {
        _state.Saved["bill-run-hourly"] = new DateTimeOffset(2026, 11, 22, 1, 15, 0, TimeSpan.Zero);
        _time.Now = new DateTimeOffset(2026, 11, 22, 5, 40, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 5, 15, 0, TimeSpan.Zero), await Runner().RunDueAsync("bill-run-hourly", CancellationToken.None));
        Assert.Single(_hourly.Runs);
    }

    [Fact]
    public async Task A_failed_run_is_not_recorded_so_the_next_firing_runs_it_again()
    {
        _time.Now = new DateTimeOffset(2026, 11, 22, 5, 15, 1, TimeSpan.Zero);
        _hourly.FailNext = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => Runner().RunDueAsync("bill-run-hourly", CancellationToken.None));
        Assert.False(_state.Saved.ContainsKey("bill-run-hourly"));

        Assert.NotNull(await Runner().RunDueAsync("bill-run-hourly", CancellationToken.None));
        Assert.Single(_hourly.Runs);
    }

    [Fact]
    public async Task A_timer_for_a_job_that_is_not_registered_fails_loudly() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() => Runner().RunDueAsync("dial-tests", CancellationToken.None));

    [Fact]
    public void A_local_time_skipped_by_daylight_saving_moves_forward()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        // 2026-03-29 02:30 does not exist in Berlin (clocks go from 02:00 to 03:00): the run is at 03:30 CEST, 01:30 UTC.
        var due = CronJobRunner.LatestDue("0 30 2 * * *", berlin, new DateTimeOffset(2026, 3, 29, 2, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), due);
    }

    private sealed class RecordingJob(string name, string schedule, TimeZoneInfo zone) : ICronJob
    {
        public List<DateTimeOffset> Runs { get; } = [];
        public bool FailNext { get; set; }
        public string Name => name;
        public string Schedule => schedule;
        public TimeZoneInfo TimeZone => zone;

        public Task RunAsync(DateTimeOffset occurrence, CancellationToken ct)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("storage unavailable");
            }

            Runs.Add(occurrence);
            return Task.CompletedTask;
        }
    }

    private sealed class MemoryCronState : ICronStateStore
    {
        public Dictionary<string, DateTimeOffset> Saved { get; } = [];
        public Task<DateTimeOffset?> LastRunAsync(string job, CancellationToken ct) => Task.FromResult<DateTimeOffset?>(Saved.TryGetValue(job, out var v) ? v : null);

        public Task SaveLastRunAsync(string job, DateTimeOffset occurrence, CancellationToken ct)
        {
            Saved[job] = occurrence;
            return Task.CompletedTask;
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; }
        public override DateTimeOffset GetUtcNow() => Now;
    }
}

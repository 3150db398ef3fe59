using Marketplace.Api.Hosting;
using Marketplace.Functions.Hosting;
using Marketplace.Functions.Scheduling;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Timers;

/// <summary>
/// One timer trigger per cron job of the server (the server's CronService), each naming its job. Timer schedules are
/// evaluated in UTC here (Flex Consumption runs on Linux, where <c>WEBSITE_TIME_ZONE</c> is not supported), so each
/// schedule is an app setting holding the job's local schedule converted to UTC; the defaults are right for
/// Asia/Shanghai (UTC+8, no daylight saving). The trigger only says "it may be time": <see cref="CronJobRunner"/>
/// works out, from the job's own schedule and time zone, which occurrence is due and whether it already ran, so a
/// misplaced UTC schedule can make a run late but never early or double.
/// </summary>
public sealed class CronFunctions(UnitOfWork work, CronJobRunner cron, Recovery recovery)
{
    /// <summary>Hourly bill run: minute 15 of every hour in the billing zone (UTC <c>0 15 * * * *</c> for whole-hour offsets).</summary>
    [Function(nameof(BillRunHourly))]
    public Task BillRunHourly([TimerTrigger("%BillRunHourlySchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        RunCronJobAsync("bill-run-hour", durable, ct);

    /// <summary>Daily bill run: 01:00 in the billing zone (Asia/Shanghai: 17:00 UTC the day before, <c>0 0 17 * * *</c>).</summary>
    [Function(nameof(BillRunDaily))]
    public Task BillRunDaily([TimerTrigger("%BillRunDailySchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        RunCronJobAsync("bill-run-day", durable, ct);

    /// <summary>Usage retention: drops per-day usage tables older than <c>Billing:RetentionDays</c> (04:30 Asia/Shanghai: <c>0 30 20 * * *</c> UTC).</summary>
    [Function(nameof(UsageRetention))]
    public Task UsageRetention([TimerTrigger("%UsageRetentionSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        RunCronJobAsync("usage-retention", durable, ct);

    /// <summary>Twice-daily dial tests: 09:00 and 15:00 in <c>DialTests:TimeZone</c> (Asia/Shanghai: <c>0 0 1,7 * * *</c> UTC).</summary>
    [Function(nameof(DialTests))]
    public Task DialTests([TimerTrigger("%DialTestSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        RunCronJobAsync("dial-tests", durable, ct);

    /// <summary>The server's start-up recovery, periodically: unsent outbox rows and stored deadlines without a live timer.</summary>
    [Function(nameof(Recover))]
    public Task Recover([TimerTrigger("%RecoverySchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        work.RunAsync(durable, token => recovery.RunAsync(durable, token), ct);

    private Task RunCronJobAsync(string job, DurableTaskClient durable, CancellationToken ct) =>
        work.RunAsync(durable, token => cron.RunDueAsync(job, token), ct);
}

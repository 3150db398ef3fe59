using Marketplace.Core.Timers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Metering;

/// <summary>
/// The timer of one granularity's bill run (<c>Billing:HourlySchedule</c>, default <c>0 15 * * * *</c>;
/// <c>Billing:DailySchedule</c>, default <c>0 0 1 * * *</c>), in <c>Billing:TimeZone</c>. Each run seals everything due
/// at the moment it runs, so one run after downtime covers every missed occurrence.
/// </summary>
public sealed class BillRunJob(BillingGranularity granularity, string schedule, BillRunner runner, IOptions<MeteringOptions> options) : ICronJob
{
    public string Name => $"bill-run-{UsageKeys.GranularityName(granularity)}";
    public string Schedule => schedule;
    public TimeZoneInfo TimeZone => options.Value.ResolveTimeZone();
    public BillingGranularity Granularity => granularity;

    public Task RunAsync(DateTimeOffset occurrence, CancellationToken ct) =>
        runner.RunAsync(granularity, options.Value.RunLease, ct);
}

/// <summary>
/// Retention (<c>Billing:RetentionDays</c>, default 45; <c>Billing:RetentionSchedule</c>, default <c>0 30 4 * * *</c>): drops the
/// per-day record and claim tables of billing days older than the retention, nonce tables older than two days, and the
/// activity and late-record rows of the same age. Bills are kept; the records of a bill older than the retention can no
/// longer be listed.
/// </summary>
public sealed class UsageRetention(IUsageLedger usage, IOptions<MeteringOptions> options, TimeProvider time, ILogger<UsageRetention> logger)
{
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var today = UsageKeys.BillingDayOf(now, o.ResolveTimeZone());
        var nonceDay = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-2); // a nonce matters for TimestampTolerance only
        var dropped = await usage.DropExpiredAsync(today.AddDays(-o.RetentionDays), nonceDay, now - TimeSpan.FromDays(o.RetentionDays), ct);
        if (dropped.Count > 0) logger.LogInformation("Usage retention dropped {Count} table(s): {Tables}", dropped.Count, string.Join(", ", dropped));
        return dropped;
    }
}

/// <summary>The retention timer.</summary>
public sealed class UsageRetentionJob(string schedule, UsageRetention retention, IOptions<MeteringOptions> options) : ICronJob
{
    public string Name => "usage-retention";
    public string Schedule => schedule;
    public TimeZoneInfo TimeZone => options.Value.ResolveTimeZone();
    public Task RunAsync(DateTimeOffset occurrence, CancellationToken ct) => retention.RunAsync(ct);
}

namespace Marketplace.Core.Metering;

/// <summary>One instance and its records that no bill holds yet (any period).</summary>
public sealed record InstanceUsage(BillingInstance Instance, IReadOnlyList<UsageRecord> UnsealedRecords);

/// <summary>
/// What a run sealed: the periods it closed (oldest first), the bills (by period, then instance id), and the new
/// <see cref="SealedThrough"/> to store (the end of the last period closed; unchanged when none was due).
/// </summary>
public sealed record BillRunResult(
    IReadOnlyList<BillingPeriod> Periods,
    IReadOnlyList<SealedBill> Bills,
    DateTimeOffset? SealedThrough);

/// <summary>
/// The collection run (hourly at HH:15, daily at 01:00, or triggered by ops): a pure reducer from
/// (what was sealed through, the unsealed records, now) to the bills to write.
/// For each due period, oldest first (<see cref="BillingPeriods.ClosedPeriodsDue"/>), each instance of this granularity gets a
/// bill of its records beginning in the period plus, flagged late, its unsealed records beginning before the period (their
/// period was sealed without them). Records of later periods wait. An instance with nothing to bill gets no bill.
/// Running again with the returned <see cref="BillRunResult.SealedThrough"/> seals nothing twice.
/// </summary>
public static class BillRun
{
    public static BillRunResult Run(
        BillingGranularity granularity,
        DateTimeOffset? sealedThrough,
        DateTimeOffset now,
        IEnumerable<InstanceUsage> usage,
        MeteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(options);
        now = now.ToUniversalTime();
        var periods = BillingPeriods.ClosedPeriodsDue(sealedThrough, now, granularity, options);
        if (periods.Count == 0)
        {
            return new BillRunResult(periods, [], sealedThrough);
        }

        var instances = usage
            .Where(u => u.Instance.Granularity == granularity)
            .OrderBy(u => u.Instance.InstanceId, StringComparer.Ordinal)
            .Select(u => (u.Instance, Pending: u.UnsealedRecords.ToList()))
            .ToList();

        var bills = new List<SealedBill>();
        var through = sealedThrough;
        foreach (var period in periods)
        {
            foreach (var (instance, pending) in instances)
            {
                var inPeriod = pending.Where(r => period.Contains(r.BeginUtc)).ToList();
                var late = pending.Where(r => r.BeginUtc < period.StartUtc).ToList();
                var bill = BillSealer.Seal(instance, period, inPeriod, late, through, now);
                if (bill is not null)
                {
                    bills.Add(bill);
                }

                pending.RemoveAll(r => r.BeginUtc < period.EndUtc);
            }

            through = period.EndUtc;
        }

        return new BillRunResult(periods, bills, through);
    }
}

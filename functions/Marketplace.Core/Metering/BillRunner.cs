using System.Collections.Concurrent;
using Marketplace.Core.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Metering;

/// <summary>What a bill run sealed: the periods closed (oldest first) and the bills (new, or the stored one on a repeat).</summary>
public sealed record BillRunOutcome(
    BillingGranularity Granularity,
    IReadOnlyList<BillingPeriod> Periods,
    IReadOnlyList<StoredBill> Bills,
    DateTimeOffset? SealedThrough,
    DateTimeOffset? Cutoff);

/// <summary>
/// The bill run of one granularity, shared by the timers (hourly at HH:15, daily at 01:00 in the billing zone), the Function
/// App's timer triggers and <c>POST /api/ops/bill-runs</c>. One run at a time per granularity (a lease in storage, plus a
/// gate in the process). A run:
/// <list type="number">
/// <item>takes the lease (readers of the run state now know a run is under way), then takes its arrival cutoff C = now and
/// waits <see cref="MeteringOptions.IngestWindow"/>, so every push that arrived before C has landed;</item>
/// <item>seals every closed period not yet sealed (<see cref="BillingPeriods.ClosedPeriodsDue"/>: after downtime, every
/// missed period, oldest first, each its own bill), reading one partition row-key range per instance and billing day (the
/// period itself in steady state), instances in parallel, found in the per-day activity index;</item>
/// <item>bills the late records (arrived after their period's bill was cut) in the instance's first bill of the run,
/// flagged late;</item>
/// <item>writes each bill insert-only (a conflict keeps the stored bill), then moves the run state forward.</item>
/// </list>
/// Running it again seals nothing twice: the periods are past the stored high-water mark and bills never overwrite.
/// </summary>
public sealed class BillRunner(
    IUsageLedger usage,
    IBillLedger bills,
    IMeteredInstances instances,
    IOptions<MeteringOptions> options,
    TimeProvider time,
    ILogger<BillRunner> logger)
{
    public const string InProgress = "billrun.in-progress";
    private readonly SemaphoreSlim[] _gates = [new(1, 1), new(1, 1)];

    /// <summary>Runs now; waits up to <paramref name="waitForLease"/> for a run of the same granularity to finish.</summary>
    public async Task<BillRunOutcome> RunAsync(BillingGranularity granularity, TimeSpan waitForLease, CancellationToken ct)
    {
        var gate = _gates[(int)granularity];
        if (!await gate.WaitAsync(waitForLease, ct)) throw Busy(granularity);
        try
        {
            var started = await StartAsync(granularity, waitForLease, ct);
            try
            {
                return await SealAsync(started, ct);
            }
            catch
            {
                // Free the lease without moving forward; bills already written stay (the next run keeps them).
                await bills.FinishRunAsync(started, started.SealedThrough, started.Cutoff, started.LateLowWater, time.GetUtcNow(), CancellationToken.None);
                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<BillRunState> StartAsync(BillingGranularity granularity, TimeSpan waitForLease, CancellationToken ct)
    {
        var until = time.GetUtcNow() + waitForLease;
        while (true)
        {
            var started = await bills.TryStartRunAsync(granularity, time.GetUtcNow(), options.Value.RunLease, ct);
            if (started is not null) return started;
            if (time.GetUtcNow() >= until) throw Busy(granularity);
            await Task.Delay(TimeSpan.FromMilliseconds(500), time, ct);
        }
    }

    private async Task<BillRunOutcome> SealAsync(BillRunState started, CancellationToken ct)
    {
        var o = options.Value;
        var zone = o.ResolveTimeZone();
        var g = started.Granularity;
        var cutoff = time.GetUtcNow();
        await Task.Delay(o.IngestWindow, time, ct);

        var periods = BillingPeriods.ClosedPeriodsDue(started.SealedThrough, cutoff, g, o);
        if (periods.Count == 0)
        {
            await bills.FinishRunAsync(started, started.SealedThrough, started.Cutoff, started.LateLowWater, time.GetUtcNow(), ct);
            return new BillRunOutcome(g, periods, [], started.SealedThrough, started.Cutoff);
        }

        // Which instances have records in the due periods' days, and which have late candidates.
        var active = new Dictionary<string, HashSet<DateOnly>>(StringComparer.Ordinal);
        foreach (var day in periods.Select(p => p.BillingDay).Distinct())
        {
            foreach (var instanceId in await usage.ActiveInstancesAsync(day, ct))
            {
                if (!active.TryGetValue(instanceId, out var days)) active[instanceId] = days = [];
                days.Add(day);
            }
        }

        var lateCandidates = new Dictionary<string, List<StoredUsage>>(StringComparer.Ordinal);
        if (started.SealedThrough is { } sealedBefore)
        {
            foreach (var candidate in await usage.ReadLateCandidatesAsync(g, started.LateLowWater, cutoff, ct))
            {
                // Only records of periods sealed before this run can be late; the others are billed in their own period now.
                if (BillingPeriods.PeriodOf(candidate.Record.BeginUtc, g, zone).EndUtc > sealedBefore) continue;
                if (!lateCandidates.TryGetValue(candidate.Record.InstanceId, out var list)) lateCandidates[candidate.Record.InstanceId] = list = [];
                list.Add(candidate);
            }
        }

        var sealedBills = new ConcurrentBag<StoredBill>();
        var lowWater = cutoff.UtcTicks;
        var targets = active.Keys.Union(lateCandidates.Keys, StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = o.SealParallelism, CancellationToken = ct }, async (instanceId, token) =>
        {
            var instance = (await instances.FindAsync(instanceId, token))?.Billing;
            if (instance is null || instance.Granularity != g) return;

            var late = lateCandidates.TryGetValue(instanceId, out var candidates)
                ? await LateRecordsAsync(instanceId, g, candidates, cutoff, zone, token)
                : [];
            // One row-key range per billing day covers every due period of that day (one period in steady state).
            var days = active.GetValueOrDefault(instanceId);
            var byPeriod = new Dictionary<DateTimeOffset, List<UsageRecord>>();
            foreach (var day in periods.GroupBy(p => p.BillingDay).Where(d => days?.Contains(d.Key) == true))
            {
                var rows = await usage.ReadRangeAsync(instanceId, day.Key, day.First().StartUtc, day.Last().EndUtc, token);
                foreach (var period in day)
                {
                    byPeriod[period.StartUtc] = rows.Where(r => r.ArrivedAt < cutoff && period.Contains(r.Record.BeginUtc)).Select(r => r.Record).ToList();
                }
            }

            var newBills = new List<StoredBill>();
            for (var i = 0; i < periods.Count; i++)
            {
                var period = periods[i];
                var lateHere = i == 0 ? late : [];
                var records = byPeriod.GetValueOrDefault(period.StartUtc) ?? [];
                if (records.Count == 0 && lateHere.Count == 0) continue;
                var bill = BillSealer.Seal(instance, period, records, lateHere, started.SealedThrough, cutoff);
                if (bill is not null)
                {
                    newBills.Add(new StoredBill(bill.Bill, cutoff, bill.Records.Where(r => r.Late).Select(r => r.Record).ToList()));
                }
            }

            if (newBills.Count == 0) return;
            foreach (var stored in await bills.WriteBillsAsync(instanceId, newBills, late.Count > 0 ? cutoff : null, token))
            {
                sealedBills.Add(stored);
                if (stored.Cutoff < cutoff)
                {
                    // A bill of an earlier, interrupted attempt: what arrived after its cutoff is still to be billed late.
                    InterlockedMin(ref lowWater, stored.Cutoff.UtcTicks);
                }
            }
        });

        var sealedThrough = periods[^1].EndUtc;
        var lateLowWater = new DateTimeOffset(lowWater, TimeSpan.Zero);
        if (!await bills.FinishRunAsync(started, sealedThrough, cutoff, lateLowWater, time.GetUtcNow(), ct))
        {
            logger.LogError("The {Granularity} bill run lost its lease before it finished; another run took over", g);
        }

        var ordered = sealedBills.OrderBy(b => b.Bill.PeriodStart).ThenBy(b => b.Bill.InstanceId, StringComparer.Ordinal).ToList();
        logger.LogInformation("The {Granularity} bill run sealed {Periods} period(s) through {SealedThrough:O}: {Bills} bill(s), {Records} record(s), {Late} late",
            g, periods.Count, sealedThrough, ordered.Count, ordered.Sum(b => b.Bill.RecordCount), ordered.Sum(b => b.Bill.LateRecordCount));
        return new BillRunOutcome(g, periods, ordered, sealedThrough, cutoff);
    }

    /// <summary>
    /// The candidates that are really late: not yet billed late (arrived at or after the instance's late cursor), not in the
    /// bill of their own period (arrived at or after its cutoff, or it has none), and the record accepted under that sn.
    /// </summary>
    private async Task<IReadOnlyList<UsageRecord>> LateRecordsAsync(
        string instanceId, BillingGranularity g, List<StoredUsage> candidates, DateTimeOffset cutoff, TimeZoneInfo zone, CancellationToken ct)
    {
        var cursor = await bills.LateCursorAsync(instanceId, ct);
        var ownBills = new Dictionary<DateTimeOffset, StoredBill?>();
        var late = new Dictionary<UsageRecordIdentity, UsageRecord>();
        foreach (var candidate in candidates.OrderBy(c => c.ArrivedAt))
        {
            if (late.ContainsKey(candidate.Record.Identity)) continue;

            // The record row is the truth (a candidate is a copy filed by the push; a concurrent push may have won the row).
            var stored = await usage.ReadRecordAsync(candidate.Record.Identity, ct);
            if (stored is null || !string.Equals(stored.Record.MeteringSn, candidate.Record.MeteringSn, StringComparison.Ordinal)) continue;
            if (stored.ArrivedAt >= cutoff) continue; // after this run's cutoff: the next run's
            if (cursor is { } billedTo && stored.ArrivedAt < billedTo) continue; // billed late before

            var own = BillingPeriods.PeriodOf(stored.Record.BeginUtc, g, zone);
            if (!ownBills.TryGetValue(own.StartUtc, out var ownBill))
            {
                ownBills[own.StartUtc] = ownBill = await bills.GetBillAsync(instanceId, g, own.StartUtc, ct);
            }

            if (ownBill is not null && stored.ArrivedAt < ownBill.Cutoff) continue; // in its own period's bill
            late[stored.Record.Identity] = stored.Record;
        }

        return late.Values.ToList();
    }

    private static void InterlockedMin(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    private static DomainException Busy(BillingGranularity g) =>
        new(DomainError.Conflict(InProgress, $"A {UsageKeys.GranularityName(g)} bill run is already under way; try again when it has finished."));
}

namespace Marketplace.Core.Metering;

/// <summary>How a push holds the metering_sn of one of its records.</summary>
public enum SnClaimState
{
    /// <summary>This push wrote the claim (and gives it back if the record is refused).</summary>
    Claimed,

    /// <summary>The claim exists for this very record, whose row is missing: the record key decides.</summary>
    Adopted,

    /// <summary>The sn belongs to an accepted record (005): the record is not stored.</summary>
    Duplicate,
}

/// <summary>The claim of one record's sn; <see cref="ETag"/> identifies a claim this push wrote.</summary>
public sealed record SnClaim(SnClaimState State, string? ETag = null);

/// <summary>One validated record a push stores, with its position in the push and the claim of its sn.</summary>
/// <param name="LateCandidate">
/// True when the record may miss its period's bill: the push arrived at or after the period's run time and the period is
/// sealed or a run is under way. The ledger then also files it under the late records, which the next runs look at.
/// </param>
public sealed record LedgerRecord(int Index, UsageRecord Record, BillingGranularity Granularity, bool LateCandidate, SnClaim Claim);

/// <summary>What storing one record gave: stored, or refused by a key that already exists.</summary>
public enum LedgerOutcome
{
    Accepted,

    /// <summary>The seller's metering_sn is claimed by an accepted record (005).</summary>
    DuplicateSn,

    /// <summary>A record with the same instance, begin_time and end_time is stored (010).</summary>
    DuplicateRecord,
}

/// <summary>A stored record and when the push that brought it started writing.</summary>
public sealed record StoredUsage(UsageRecord Record, DateTimeOffset ArrivedAt);

/// <summary>
/// The state of the bill runs of one granularity. <see cref="SealedThrough"/>: end of the last sealed period.
/// <see cref="Cutoff"/>: arrival cutoff of the last run that sealed periods. <see cref="LateLowWater"/>: every late
/// candidate that arrived before it has been dealt with. <see cref="RunningSince"/>: a run holds the lease since then.
/// </summary>
public sealed record BillRunState(
    BillingGranularity Granularity,
    DateTimeOffset? SealedThrough,
    DateTimeOffset? Cutoff,
    DateTimeOffset? LateLowWater,
    DateTimeOffset? RunningSince,
    DateTimeOffset? LastRunAt,
    string? ETag)
{
    public bool IsRunning(DateTimeOffset now, TimeSpan lease) => RunningSince is { } since && now - since < lease;
}

/// <summary>
/// A sealed bill as stored: the bill, the arrival cutoff of its run (its records of its own period are those that arrived
/// before it) and the late records it took (copied, since they are few).
/// </summary>
public sealed record StoredBill(Bill Bill, DateTimeOffset Cutoff, IReadOnlyList<UsageRecord> LateRecords);

/// <summary>The usage records' storage (Tables: per-day record and claim tables, activity, late records, nonces).</summary>
public interface IUsageLedger
{
    /// <summary>Inserts the nonce of a verified push; false when the seller already used it with this ts's day.</summary>
    Task<bool> TryClaimNonceAsync(string sellerId, string nonce, DateTimeOffset ts, CancellationToken ct);

    /// <summary>The run state of both granularities (a missing one comes back empty).</summary>
    Task<IReadOnlyList<BillRunState>> ReadRunStatesAsync(CancellationToken ct);

    /// <summary>Creates the tables a write of these records needs (the first push of a billing day creates its tables).</summary>
    Task PrepareAsync(string sellerId, IReadOnlyList<UsageRecord> records, CancellationToken ct);

    /// <summary>
    /// First step of storing a push: notes each (billing day, instance) as active and claims each record's metering_sn
    /// (code 005) by inserting its claim row, in 100-row transactions per partition. A claim that exists is judged with
    /// <see cref="SnClaims.Judge"/>. One claim per record, in order.
    /// </summary>
    Task<IReadOnlyList<SnClaim>> ClaimAsync(string sellerId, IReadOnlyList<UsageRecord> records, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Second step: files the late candidates, then inserts each record row (code 010) in 100-row transactions per
    /// partition. A row that exists refuses its record while the others in the same transaction still land; a refused record
    /// gives its claim back. One outcome per record, in order.
    /// </summary>
    Task<IReadOnlyList<LedgerOutcome>> StoreAsync(string sellerId, IReadOnlyList<LedgerRecord> records, DateTimeOffset arrivedAt, CancellationToken ct);

    /// <summary>The instances with records beginning on a billing day.</summary>
    Task<IReadOnlyList<string>> ActiveInstancesAsync(DateOnly billingDay, CancellationToken ct);

    /// <summary>The records of one instance beginning in one period (one row-key range of one partition).</summary>
    Task<IReadOnlyList<StoredUsage>> ReadPeriodAsync(string instanceId, BillingPeriod period, CancellationToken ct) =>
        ReadRangeAsync(instanceId, period.BillingDay, period.StartUtc, period.EndUtc, ct);

    /// <summary>
    /// The records of one instance beginning in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), which lies in one
    /// billing day: one row-key range of one partition (a catch-up reads the due periods of a day at once).
    /// </summary>
    Task<IReadOnlyList<StoredUsage>> ReadRangeAsync(string instanceId, DateOnly billingDay, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct);

    /// <summary>The late candidates of a granularity that arrived in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<IReadOnlyList<StoredUsage>> ReadLateCandidatesAsync(BillingGranularity granularity, DateTimeOffset? from, DateTimeOffset to, CancellationToken ct);

    /// <summary>The stored record with this identity, or null when there is none.</summary>
    Task<StoredUsage?> ReadRecordAsync(UsageRecordIdentity identity, CancellationToken ct);

    /// <summary>
    /// Drops the per-day tables of billing days before <paramref name="oldestKeptDay"/>, the nonce tables of days before
    /// <paramref name="oldestKeptNonceDay"/>, and the activity and late rows older than that; returns the tables dropped.
    /// </summary>
    Task<IReadOnlyList<string>> DropExpiredAsync(DateOnly oldestKeptDay, DateOnly oldestKeptNonceDay, DateTimeOffset oldestKeptArrival, CancellationToken ct);
}

/// <summary>The bills' and bill runs' storage (Tables: <c>usagebills</c>, <c>usageruns</c>).</summary>
public interface IBillLedger
{
    Task<BillRunState> ReadRunStateAsync(BillingGranularity granularity, CancellationToken ct);

    /// <summary>Takes the run lease of a granularity; null when another run holds it.</summary>
    Task<BillRunState?> TryStartRunAsync(BillingGranularity granularity, DateTimeOffset now, TimeSpan lease, CancellationToken ct);

    /// <summary>Stores the new state and frees the lease; false when the lease was lost to another run.</summary>
    Task<bool> FinishRunAsync(BillRunState started, DateTimeOffset? sealedThrough, DateTimeOffset? cutoff, DateTimeOffset? lateLowWater, DateTimeOffset finishedAt, CancellationToken ct);

    /// <summary>Arrival time up to which the instance's late records are billed (the cursor row), or null.</summary>
    Task<DateTimeOffset?> LateCursorAsync(string instanceId, CancellationToken ct);

    Task<StoredBill?> GetBillAsync(string instanceId, BillingGranularity granularity, DateTimeOffset periodStartUtc, CancellationToken ct);

    Task<StoredBill?> FindBillAsync(string billId, CancellationToken ct);

    /// <summary>
    /// Inserts an instance's new bills (oldest first), never overwriting: a bill that exists is kept and returned instead.
    /// When <paramref name="lateTo"/> is given, the cursor moves to it in the same transaction as the first bill.
    /// </summary>
    Task<IReadOnlyList<StoredBill>> WriteBillsAsync(string instanceId, IReadOnlyList<StoredBill> bills, DateTimeOffset? lateTo, CancellationToken ct);

    /// <summary>The instance's bills whose period starts in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    Task<IReadOnlyList<StoredBill>> ListBillsAsync(string instanceId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
}

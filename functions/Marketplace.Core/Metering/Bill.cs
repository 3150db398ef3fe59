namespace Marketplace.Core.Metering;

/// <summary>The instance a bill is for: who sells it, who buys it, and how often it is billed.</summary>
public sealed record BillingInstance(string InstanceId, string SellerId, string BuyerId, BillingGranularity Granularity);

/// <summary>
/// A sealed bill: the usage of one instance in one billing period, plus the late records that arrived after their own
/// period was sealed. <see cref="RecordCount"/> counts every record in the bill, late ones included;
/// <see cref="UsageTotal"/> sums them (4 decimal places); <see cref="Sha256"/> is the lower-case hex SHA-256 of the
/// canonical record lines (<see cref="BillSealer.CanonicalText"/>). Once sealed, a bill never changes.
/// </summary>
public sealed record Bill(
    string BillId,
    string InstanceId,
    string SellerId,
    string BuyerId,
    BillingGranularity Granularity,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    string PeriodLabel,
    decimal UsageTotal,
    int RecordCount,
    int LateRecordCount,
    string Sha256,
    DateTimeOffset SealedAt);

/// <summary>A record as sealed into a bill; <see cref="Late"/> when its own period had already been sealed.</summary>
public sealed record SealedRecord(UsageRecord Record, bool Late);

/// <summary>A bill and the records sealed into it, in canonical order (begin_time, end_time, metering_sn).</summary>
public sealed record SealedBill(Bill Bill, IReadOnlyList<SealedRecord> Records);

using System.Globalization;
using Marketplace.Core.Common;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Metering;

/// <summary>A record sealed into a bill, as the API shows it (times in the push format, UTC).</summary>
public sealed record BillRecordView(
    string InstanceId,
    string BeginTime,
    string EndTime,
    string RecordTime,
    decimal UsageValue,
    string MeteringSn,
    string? RelatePkgInstance,
    bool Late);

/// <summary>
/// The records of a bill, in the seal's canonical order; <see cref="Verified"/> says that their SHA-256 is the bill's
/// (the records were read back from storage and hashed again).
/// </summary>
public sealed record BillRecordsView(Bill Bill, bool Verified, IReadOnlyList<BillRecordView> Records);

/// <summary>Reading bills: the seller and the buyer of the instance see its bills, ops see all; anyone else gets 404.</summary>
public sealed class UsageBills(IBillLedger bills, IUsageLedger usage, IMeteredInstances instances, IOptions<MeteringOptions> options, TimeProvider time)
{
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(31);
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(366);

    public async Task<IReadOnlyList<Bill>> ListAsync(Actor actor, string? instanceId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(instanceId))
            throw new DomainException(DomainError.BadRequest("validation.failed", "instanceId is required."));
        var instance = await instances.FindAsync(instanceId, ct);
        if (instance is null || !Sees(actor, instance.SellerId, instance.BuyerId))
            throw new DomainException(DomainError.NotFound("instance.not-found", $"Instance {instanceId} does not exist."));
        var end = to ?? time.GetUtcNow().AddDays(1);
        var start = from ?? end - DefaultRange;
        if (start >= end || end - start > MaxRange)
            throw new DomainException(DomainError.BadRequest("validation.failed",
                $"from must be before to, at most {MaxRange.TotalDays.ToString(CultureInfo.InvariantCulture)} days apart (periods starting in [from, to) are listed)."));
        var list = await bills.ListBillsAsync(instanceId, start, end, ct);
        return list.Where(b => b.Bill.InstanceId == instanceId).Select(b => b.Bill).ToList();
    }

    public async Task<Bill> GetAsync(Actor actor, string billId, CancellationToken ct) =>
        (await FindVisibleAsync(actor, billId, ct)).Bill;

    public async Task<BillRecordsView> RecordsAsync(Actor actor, string billId, CancellationToken ct)
    {
        var stored = await FindVisibleAsync(actor, billId, ct);
        var bill = stored.Bill;
        var period = BillingPeriods.PeriodOf(bill.PeriodStart, bill.Granularity, options.Value.ResolveTimeZone());
        var own = await usage.ReadPeriodAsync(bill.InstanceId, period, ct);
        var records = own.Where(r => r.ArrivedAt < stored.Cutoff).Select(r => new SealedRecord(r.Record, false))
            .Concat(stored.LateRecords.Select(r => new SealedRecord(r, true)));
        var canonical = BillSealer.Canonical(records);
        var verified = canonical.Count == bill.RecordCount && BillSealer.Sha256Of(canonical) == bill.Sha256;
        return new BillRecordsView(bill, verified, canonical.Select(r => new BillRecordView(
            r.Record.InstanceId, UsageTime.ToText(r.Record.BeginUtc), UsageTime.ToText(r.Record.EndUtc), UsageTime.ToText(r.Record.RecordTimeUtc),
            r.Record.Value, r.Record.MeteringSn, r.Record.RelatePkgInstance, r.Late)).ToList());
    }

    private async Task<StoredBill> FindVisibleAsync(Actor actor, string billId, CancellationToken ct)
    {
        var stored = await bills.FindBillAsync(billId, ct);
        if (stored is null || !Sees(actor, stored.Bill.SellerId, stored.Bill.BuyerId))
            throw new DomainException(DomainError.NotFound("bill.not-found", $"Bill {billId} does not exist."));
        return stored;
    }

    private static bool Sees(Actor actor, string sellerId, string buyerId) => actor.Role switch
    {
        Role.Ops or Role.System => true,
        Role.Seller => actor.Id == sellerId,
        Role.Buyer => actor.Id == buyerId,
        _ => false,
    };
}

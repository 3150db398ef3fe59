using System.Runtime.CompilerServices;
using System.Text.Json;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Marketplace.Core.Supervision;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.HardwareUnsubscribe;

/// <summary>
/// The hardware unsubscribe use cases (§6.6): apply (after the order checks and a quota slot), show an application
/// to its parties, run their actions through the rules, list, and the platform's refund and case closure.
/// Parties see only their own applications (anything else is "not found"); ops see all.
/// </summary>
public sealed class Unsubscriptions(
    AggregateRunner runner,
    IAggregateStore store,
    CatalogueService catalogue,
    SupervisionCases cases,
    IOptions<UnsubscribeOptions> options,
    IOptions<SupervisionOptions> supervisionOptions,
    TimeProvider time)
{
    public const string Kind = "unsubscriptions";
    public const string QuotaKind = "unsubscribequotas";
    public const string OpenTopic = "unsubscribe.open";
    public const string RefundTopic = "unsubscribe.refund";
    public const string CloseCaseTopic = "unsubscribe.close-case";

    public AggregateDefinition<Unsubscription, UnsubscriptionEvent> Definition { get; } = new()
    {
        Kind = Kind,
        Apply = UnsubscribeRules.Apply,
        StateName = u => u.Status.ToString(),
        NextDeadline = UnsubscribeRules.NextDeadline,
        Tick = UnsubscribeRules.Tick,
        Outbox = (u, e) => e switch
        {
            // Payment is outside the platform: entering Refunding asks the refund step to run (then Done).
            UnsubscriptionApproved { To: UnsubscriptionStatus.Refunding } or ReturnInspected => [(RefundTopic, new UnsubscriptionMessage(u.UnsubscriptionId))],
            // Refunded: the order's supervision case is closed, and the order follows the closed case.
            RefundCompleted => [(CloseCaseTopic, new UnsubscriptionMessage(u.UnsubscriptionId))],
            _ => [],
        },
        Tags = u => new Dictionary<string, string>
        {
            ["buyerId"] = u.BuyerId,
            ["sellerId"] = u.SellerId,
            ["orderId"] = u.OrderId,
            ["status"] = u.Status.ToString(),
        },
    };

    public static readonly AggregateDefinition<UnsubscribeQuota, QuotaEvent> Quotas = new()
    {
        Kind = QuotaKind,
        Apply = QuotaRules.Apply,
        StateName = q => $"{q.Claims.Count} used",
        // The claim carries the application: if the request dies after the claim, the outbox opens it.
        Outbox = (_, e) => e is QuotaSlotClaimed c ? [(OpenTopic, c.Application)] : [],
        Tags = q => new Dictionary<string, string> { ["year"] = q.Year.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    /// <summary>Application ids name the order and the order's n-th application: <c>UN{orderId}-{n:D2}</c>.</summary>
    public static string IdFor(string orderId, int n) => $"UN{orderId}-{n:D2}";

    /// <summary>
    /// §6.6 #1: the buyer applies. Checks, in order: the order is the caller's (404), hardware (409), its supervision
    /// not complete (409), no other open application for it (409), the reason (422), then takes a slot of the yearly
    /// quota (409 <c>unsubscribe.quota-exhausted</c>) and opens the application.
    /// </summary>
    public async Task<UnsubscriptionView> ApplyAsync(Actor buyer, string orderId, string? kind, string? reason, CancellationToken ct)
    {
        var order = await catalogue.GetOrderAsync(orderId, buyer, ct);
        if (order.Flow != FlowVariant.Hardware || order.CaseId is null)
            DomainException.ThrowIf(DomainError.Conflict(UnsubscribeErrors.NotHardware, $"Order {orderId} is not a hardware order ({order.DeliveryType}); only hardware is unsubscribed this way."));
        var supervision = (await runner.LoadAsync(cases.Definition, order.CaseId!, ct))?.State;
        // Seed 000: the unsubscribe (and its quota) is for hardware whose supervision is not completed.
        if (supervision is null || supervision.IsTerminal)
        {
            DomainException.ThrowIf(DomainError.Conflict(UnsubscribeErrors.SupervisionComplete,
                $"The supervision of order {orderId} is {supervision?.State.ToString() ?? "not open"}; only hardware whose supervision is not complete can be unsubscribed."));
        }

        var earlier = new List<Unsubscription>();
        await foreach (var record in store.QueryAsync(Kind, new Dictionary<string, string> { ["orderId"] = orderId }, ct))
            earlier.Add(Read(record));
        if (earlier.FirstOrDefault(u => !u.IsTerminal) is { } open)
            DomainException.ThrowIf(DomainError.Conflict(UnsubscribeErrors.AlreadyOpen, $"Order {orderId} has an open unsubscribe application {open.UnsubscriptionId} ({open.Status}); withdraw it first."));

        var parsedKind = UnsubscribeWords.ParseKind(kind)
                         ?? throw new DomainException(UnsubscribeErrors.Invalid("kind must be \"notReceived\" or \"received\"."));
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > UnsubscribeRules.MaxReasonLength)
            DomainException.ThrowIf(UnsubscribeErrors.Invalid($"The unsubscribe reason is required (at most {UnsubscribeRules.MaxReasonLength} characters)."));

        var o = options.Value;
        var zone = o.ResolveTimeZone();
        var now = time.GetUtcNow();
        var year = QuotaRules.YearOf(now, zone);
        var quotaId = QuotaRules.QuotaId(buyer.Id, year);
        var id = IdFor(orderId, earlier.Count + 1);
        var application = new OpenUnsubscriptionMessage(id, order.OrderId, order.CaseId!, order.ProductId, order.BuyerId, order.SellerId,
            parsedKind, reason!.Trim(), year, 0, now);
        var claimed = await runner.ExecuteAsync(Quotas, quotaId, buyer,
            (state, at) => QuotaRules.Claim(state, quotaId, application, o.YearlyQuota, o.TimeZone, QuotaRules.RenewsAt(year, zone), at), ct);
        DomainException.ThrowIf(claimed.Error);
        var claim = claimed.State!.Claims.First(c => c.UnsubscriptionId == id);
        await OpenAsync(application with { QuotaSlot = claim.Slot, AppliedAt = claim.At }, buyer, ct);
        return await GetAsync(id, buyer, ct);
    }

    /// <summary>Opens the application a quota slot stands for (the request, or the quota's outbox after a crash). Idempotent.</summary>
    public async Task OpenAsync(OpenUnsubscriptionMessage a, Actor actor, CancellationToken ct)
    {
        var command = new OpenUnsubscription(actor, a.UnsubscriptionId, a.OrderId, a.CaseId, a.ProductId, a.BuyerId, a.SellerId, a.Kind, a.Reason,
            a.QuotaYear, a.QuotaSlot, a.AppliedAt);
        var result = await runner.ExecuteAsync(Definition, a.UnsubscriptionId, actor, (state, now) => UnsubscribeRules.Decide(state, command, now, options.Value), ct);
        DomainException.ThrowIf(result.Error);
    }

    public async Task<UnsubscriptionView> GetAsync(string id, Actor actor, CancellationToken ct)
    {
        var record = await store.LoadAsync(Kind, id, ct);
        var state = record is null ? null : Read(record);
        if (state is null || !CanSee(state, actor)) throw new DomainException(UnsubscribeErrors.NotFound());
        return await ViewAsync(state, record!, ct);
    }

    /// <summary>Runs a party's command; a rejection is thrown as a <see cref="DomainException"/>.</summary>
    public async Task<UnsubscriptionView> ActAsync(string id, UnsubscriptionCommand command, CancellationToken ct)
    {
        var result = await runner.ExecuteAsync(Definition, id, command.Actor,
            (state, now) => state is null || !CanSee(state, command.Actor) ? UnsubscribeErrors.NotFound() : UnsubscribeRules.Decide(state, command, now, options.Value), ct);
        DomainException.ThrowIf(result.Error);
        return await GetAsync(id, command.Actor, ct);
    }

    public async IAsyncEnumerable<UnsubscriptionSummary> ListAsync(Actor actor, string? statusFilter, [EnumeratorCancellation] CancellationToken ct)
    {
        var tags = new Dictionary<string, string>();
        if (actor.Role == Role.Buyer) tags["buyerId"] = actor.Id;
        else if (actor.Role == Role.Seller) tags["sellerId"] = actor.Id;
        if (statusFilter is not null) tags["status"] = statusFilter;
        await foreach (var record in store.QueryAsync(Kind, tags, ct))
        {
            var u = Read(record);
            yield return new UnsubscriptionSummary(u.UnsubscriptionId, u.OrderId, u.BuyerId, u.SellerId, UnsubscribeWords.Kind(u.Kind), u.Status.ToString(),
                u.Status.Side(), u.AppliedAt, u.StatusEnteredAt, u.ReviewDueAt, u.ReturnDueAt);
        }
    }

    /// <summary>The buyer's quota for the current natural year.</summary>
    public async Task<QuotaView> QuotaAsync(Actor buyer, CancellationToken ct)
    {
        var o = options.Value;
        var zone = o.ResolveTimeZone();
        var year = QuotaRules.YearOf(time.GetUtcNow(), zone);
        var quota = (await runner.LoadAsync(Quotas, QuotaRules.QuotaId(buyer.Id, year), ct))?.State;
        var claims = quota?.Claims ?? [];
        return new QuotaView(year, o.TimeZone, o.YearlyQuota, claims.Count, Math.Max(0, o.YearlyQuota - claims.Count), QuotaRules.RenewsAt(year, zone), claims);
    }

    /// <summary>Outbox: the refund of an approved (or inspected) application. Payment is outside the platform; it is recorded at once.</summary>
    public async Task RefundAsync(string id, CancellationToken ct)
    {
        var result = await runner.ExecuteAsync(Definition, id, Actor.Platform,
            (state, now) => UnsubscribeRules.Decide(state, new CompleteRefund(Actor.Platform), now, options.Value), ct);
        DomainException.ThrowIf(result.Error);
    }

    /// <summary>Outbox: a refunded application closes its order's supervision case (which tells the order), then records it.</summary>
    public async Task CloseCaseAsync(string id, CancellationToken ct)
    {
        var u = (await runner.LoadAsync(Definition, id, ct))?.State ?? throw new DomainException(UnsubscribeErrors.NotFound());
        var closed = await runner.ExecuteAsync(cases.Definition, u.CaseId, Actor.Platform,
            (state, now) => state is null ? CaseErrors.NotFound() : SupervisionRules.Decide(state, new CloseForUnsubscribe(Actor.Platform, id), now, supervisionOptions.Value), ct);
        DomainException.ThrowIf(closed.Error);
        var confirmed = await runner.ExecuteAsync(Definition, id, Actor.Platform,
            (state, now) => UnsubscribeRules.Decide(state, new ConfirmCaseClosed(Actor.Platform), now, options.Value), ct);
        DomainException.ThrowIf(confirmed.Error);
    }

    // The timeline stops at the snapshot's last entry, so a change committed between the two reads shows in neither.
    private async Task<UnsubscriptionView> ViewAsync(Unsubscription u, AggregateRecord record, CancellationToken ct)
    {
        var audit = new List<AuditEntry>();
        await foreach (var a in store.ReadAuditAsync(Kind, u.UnsubscriptionId, ct))
            if (a.Sequence <= record.AuditCount) audit.Add(a);
        var version = record.Version;
        return new UnsubscriptionView(u.UnsubscriptionId, u.OrderId, u.CaseId, u.ProductId, u.BuyerId, u.SellerId, UnsubscribeWords.Kind(u.Kind), u.Reason,
            u.Status.ToString(), u.Status.Side(), u.AppliedAt, u.StatusEnteredAt, new QuotaUse(u.QuotaYear, u.QuotaSlot), u.ReviewDueAt, u.ReviewWindowElapsedAt,
            u.ReturnDueAt, u.Review, u.ReturnShipment, u.Inspection, u.RefundedAt, u.Withdrawal, u.CaseClosedAt,
            new UnsubscribeEligibilityView(UnsubscribeRules.BuyerAppeal(u, time.GetUtcNow())), version,
            audit.Select(TimelineEntry.Of).ToList(), AuditChain.FindBreak(u.UnsubscriptionId, audit) is null);
    }

    private Unsubscription Read(AggregateRecord record) =>
        JsonSerializer.Deserialize<Unsubscription>(record.StateJson, Definition.Json) ?? throw new InvalidDataException($"Unsubscription {record.Id} has an empty snapshot.");

    private static bool CanSee(Unsubscription u, Actor actor) => actor.Role switch
    {
        Role.Buyer => u.BuyerId == actor.Id,
        Role.Seller => u.SellerId == actor.Id,
        Role.Ops or Role.System => true,
        _ => false,
    };
}

/// <summary>An outbox message that names an application.</summary>
public sealed record UnsubscriptionMessage(string UnsubscriptionId);

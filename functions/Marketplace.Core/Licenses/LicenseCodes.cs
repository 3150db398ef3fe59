using System.Runtime.CompilerServices;
using System.Text.Json;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Marketplace.Core.SellerApi;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;
using Marketplace.Core.Supervision;
using Microsoft.Extensions.Logging;

namespace Marketplace.Core.Licenses;

/// <summary>
/// The License 2.0 code use cases (domain §6.8, §10): issue the code of a paid order, let its seller's server activate
/// it (which moves the supervision case past <c>LicenseActivation</c> with the same command as the operations
/// manager's manual record, and starts the order's validity period), show it to its parties, and queue the seller
/// calls of its renewals, freezes and release. Parties see only their own codes (anything else is "not found").
/// </summary>
public sealed class LicenseCodes(
    AggregateRunner runner,
    IAggregateStore store,
    SupervisionCases cases,
    SellerCallService calls,
    SellerDirectory sellers,
    SellerServerAuth auth,
    TimeProvider time,
    ILogger<LicenseCodes> logger)
{
    public const string Kind = "licenses";
    public const string CodeKind = "licensecodes";
    public const string IssueTopic = "licenses.issue";
    public const string CaseTopic = "licenses.case-changed";
    public const string CallTopic = "licenses.seller-call-changed";

    /// <summary>A code is <c>PL</c> and this many characters of the id alphabet (32 symbols: 120 random bits).</summary>
    public const int CodeRandomLength = 24;

    public static readonly AggregateDefinition<LicenseCode, LicenseEvent> Definition = new()
    {
        Kind = Kind,
        Apply = LicenseRules.Apply,
        StateName = l => LicenseErrors.Wire(l.Status),
        Outbox = LicenseRules.Outbox,
        Tags = LicenseRules.Tags,
    };

    /// <summary>The code index: one row per code, claimed by an insert, so no two licenses share a code.</summary>
    public static readonly AggregateDefinition<LicenseCodeClaim, LicenseCodeClaimed> Claims = new()
    {
        Kind = CodeKind,
        Apply = (_, e) => new LicenseCodeClaim(e.Code, e.LicenseId, e.At),
        StateName = _ => "claimed",
    };

    /// <summary>The orders outbox: a placed License 2.0 order issues its code (also done at once by the order route).</summary>
    public static IEnumerable<(string Topic, object Payload)> OrderOutbox(Order after, OrderEvent e)
    {
        if (e is OrderPlaced && after.Flow == FlowVariant.License2) yield return (IssueTopic, new IssueLicenseMessage(after.OrderId));
    }

    /// <summary>Issues the code of a paid License 2.0 order; the order's code is issued once (a repeat returns it).</summary>
    public async Task<LicenseCode> IssueAsync(Order order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Flow != FlowVariant.License2 || order.CaseId is null)
            DomainException.ThrowIf(DomainError.Conflict(LicenseErrors.InvalidState, $"Order {order.OrderId} is not a License 2.0 order."));
        var id = LicenseRules.IdFor(order.OrderId);
        if ((await runner.LoadAsync(Definition, id, ct))?.State is { } issued) return issued;

        var code = await ClaimCodeAsync(id, ct);
        var license = new LicenseCode
        {
            LicenseId = id, Code = code, OrderId = order.OrderId, OrderLineId = order.OrderLineId, CaseId = order.CaseId!,
            ProductId = order.ProductId, BuyerId = order.BuyerId, SellerId = order.SellerId, ChargingMode = order.ChargingMode,
            PeriodMonths = order.PeriodMonths, OrderedAt = order.PlacedAt, IssuedAt = time.GetUtcNow(),
        };
        var result = await runner.ExecuteAsync(Definition, id, Actor.Platform, (state, now) => LicenseRules.Decide(state, new IssueLicense(Actor.Platform, license), now), ct);
        DomainException.ThrowIf(result.Error);
        return result.State!;
    }

    /// <summary>Outbox handler body: issue the code of a placed order (idempotent).</summary>
    public async Task IssueForOrderAsync(string orderId, CancellationToken ct)
    {
        var order = (await runner.LoadAsync(CatalogueService.Orders, orderId, ct))?.State;
        if (order is null)
        {
            logger.LogWarning("A license code was to be issued for order {OrderId}, which does not exist", orderId);
            return;
        }

        await IssueAsync(order, ct);
    }

    /// <summary>
    /// The seller's server activates a code (P39). In order: the headers (401), the body (400), the signature with the
    /// key of the code's seller (401: another seller's code does not verify, and neither does an unknown code, so the
    /// route never tells an unsigned caller whether a code exists: the code is a secret), then a
    /// code activated before answers its first activation again (no second transition); otherwise the case takes the
    /// activation (409 92020004 before the buyer received the code, 92020003 when the case cannot take it) and the code
    /// and the order follow it.
    /// </summary>
    public async Task<LicenseActivateResponse> ActivateAsync(SellerSignedRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        DomainException.ThrowIf(auth.CheckHeaders(request));
        var body = LicenseActivateRequest.Parse(request.Body);
        var license = await FindByCodeAsync(body.License, ct) ?? throw new DomainException(SellerServerAuth.SignatureMismatch());
        var seller = await sellers.FindAsync(license.SellerId, ct) ?? throw new DomainException(SellerServerAuth.SignatureMismatch());
        await auth.AuthenticateAsync(seller, request, ct);
        var actor = new Actor(seller.SellerId, Role.Seller);

        if (license.IsActivated) return LicenseActivateResponse.Success(license, time.GetUtcNow());
        if (license.Status == LicenseStatus.Released) DomainException.ThrowIf(LicenseErrors.State(license, "activating", "it was released"));

        var (supervision, error) = await cases.RecordLicenseActivationAsync(license.CaseId, body.RealEffectTime ?? time.GetUtcNow(), ct);
        if (error is not null)
        {
            // §6.2-L2 #2, P39: before the buyer received the code the case is still at the delivery or the acceptance.
            DomainException.ThrowIf(supervision is { LicenseReceivedAt: null, State: CaseState.SellerImplementing or CaseState.AwaitingUserAcceptance }
                ? DomainError.Conflict(LicenseErrors.NotReceived, $"The buyer has not received the license code of order {license.OrderId} yet (the case is in {supervision.State}); it cannot be activated before.")
                : error);
        }

        var after = await FollowCaseAsync(supervision!, actor, ct);
        return LicenseActivateResponse.Success(after, time.GetUtcNow());
    }

    /// <summary>Outbox handler body: the case moved (receipt, activation, end); the code and the order follow it. Idempotent.</summary>
    public async Task FollowCaseAsync(LicenseCaseMessage message, CancellationToken ct)
    {
        var supervision = await cases.FindAsync(message.CaseId, ct);
        if (supervision is null)
        {
            logger.LogWarning("License code of order {OrderId}: its case {CaseId} does not exist", message.OrderId, message.CaseId);
            return;
        }

        await FollowCaseAsync(supervision, Actor.Platform, ct);
    }

    private async Task<LicenseCode> FollowCaseAsync(SupervisionCase supervision, Actor actor, CancellationToken ct)
    {
        var id = LicenseRules.IdFor(supervision.OrderId);
        if ((await runner.LoadAsync(Definition, id, ct)) is null)
        {
            // The issue message may still be on its way (or the order predates license codes): issue it now.
            var order = (await runner.LoadAsync(CatalogueService.Orders, supervision.OrderId, ct))?.State
                        ?? throw new DomainException(DomainError.NotFound("order.not-found", $"Order {supervision.OrderId} does not exist."));
            await IssueAsync(order, ct);
        }

        var (ended, endedAt) = supervision.State switch
        {
            CaseState.Completed => ("completed", supervision.CompletedAt),
            CaseState.Closed => ("closed", supervision.ClosedAt),
            _ => ((string?)null, (DateTimeOffset?)null),
        };
        var follow = new FollowCase(actor, supervision.LicenseReceivedAt, supervision.LicenseActivatedAt, ended, endedAt);
        var result = await runner.ExecuteAsync(Definition, id, actor, (state, now) => LicenseRules.Decide(state, follow, now), ct);
        DomainException.ThrowIf(result.Error);

        // Seed 002: the order's actual start time is the activation time.
        if (supervision.LicenseActivatedAt is { } activatedAt)
        {
            var started = await runner.ExecuteAsync(CatalogueService.Orders, supervision.OrderId, actor,
                (order, now) => OrderRules.StartLicense(order, activatedAt, now), ct);
            DomainException.ThrowIf(started.Error);
        }

        return result.State!;
    }

    public async Task<LicenseView> GetAsync(string licenseId, Actor actor, CancellationToken ct)
    {
        var record = await store.LoadAsync(Kind, licenseId, ct);
        var license = record is null ? null : Read(record);
        if (license is null || !LicenseRules.CanSee(license, actor)) throw new DomainException(LicenseErrors.NotFound());
        var audit = new List<AuditEntry>();
        await foreach (var a in store.ReadAuditAsync(Kind, licenseId, ct))
            if (a.Sequence <= record!.AuditCount) audit.Add(a);
        return LicenseView.Of(license, record!.Version, audit, time.GetUtcNow());
    }

    /// <summary>The actor's codes (ops: all), optionally of one order or in one status.</summary>
    public async IAsyncEnumerable<LicenseSummary> ListAsync(Actor actor, string? orderId, string? status, [EnumeratorCancellation] CancellationToken ct)
    {
        var tags = new Dictionary<string, string>();
        if (actor.Role == Role.Buyer) tags["buyerId"] = actor.Id;
        else if (actor.Role == Role.Seller) tags["sellerId"] = actor.Id;
        else if (actor.Role is not (Role.Ops or Role.System)) yield break;
        if (orderId is not null) tags["orderId"] = orderId;
        if (status is not null)
        {
            tags["status"] = Enum.TryParse<LicenseStatus>(status, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(status, out _)
                ? LicenseErrors.Wire(s)
                : throw new DomainException(DomainError.BadRequest("validation.failed",
                    $"Unknown status '{status}'; use one of {string.Join(", ", Enum.GetValues<LicenseStatus>().Select(LicenseErrors.Wire))}."));
        }

        var now = time.GetUtcNow();
        await foreach (var record in store.QueryAsync(Kind, tags, ct)) yield return LicenseSummary.Of(Read(record), now);
    }

    /// <summary>The buyer renews the code until <paramref name="expireTime"/> (a renewal order), or unsubscribes a renewal period back to it.</summary>
    public Task<LicenseView> RenewAsync(string licenseId, Actor buyer, DateTimeOffset? expireTime, string? scene, string? requestId, CancellationToken ct)
    {
        if (expireTime is null) throw new DomainException(LicenseErrors.Invalid("expireTime is required (an ISO-8601 UTC time)."));
        var parsed = scene switch
        {
            null or "RENEWAL" => RefreshScene.Renewal,
            "UNSUBSCRIBE_RENEWAL_PERIOD" => RefreshScene.UnsubscribeRenewalPeriod,
            _ => throw new DomainException(LicenseErrors.Invalid("scene must be RENEWAL or UNSUBSCRIBE_RENEWAL_PERIOD.")),
        };
        return ActAsync(licenseId, new RenewLicense(buyer, parsed, expireTime.Value, CatalogueService.NewOrderId(time.GetUtcNow(), requestId)), ct);
    }

    /// <summary>Ops freeze or unfreeze the code.</summary>
    public Task<LicenseView> ChangeStatusAsync(string licenseId, Actor ops, string? status, string? reason, CancellationToken ct)
    {
        var change = status switch
        {
            "FREEZE" => InstanceStatusChange.Freeze,
            "UNFREEZE" => InstanceStatusChange.Unfreeze,
            _ => throw new DomainException(LicenseErrors.Invalid("status must be FREEZE or UNFREEZE.")),
        };
        return ActAsync(licenseId, new ChangeLicenseStatus(ops, change, reason), ct);
    }

    /// <summary>The buyer unsubscribes (a new unsubscribe order) or ops release the code.</summary>
    public Task<LicenseView> ReleaseAsync(string licenseId, Actor actor, string? reason, string? requestId, CancellationToken ct) =>
        ActAsync(licenseId, new ReleaseLicense(actor, actor.Role == Role.Buyer ? CatalogueService.NewOrderId(time.GetUtcNow(), requestId) : null, reason), ct);

    /// <summary>Outbox handler body: one of the code's calls changed; the queue follows the call (read from the call itself). Idempotent.</summary>
    public async Task SyncCallAsync(SellerCallChangedMessage message, CancellationToken ct)
    {
        var call = await calls.FindAsync(message.CallId, ct);
        if (call is null)
        {
            logger.LogWarning("License code of order {OrderId} was told about call {CallId}, which does not exist", message.OrderId, message.CallId);
            return;
        }

        var result = await runner.ExecuteAsync(Definition, LicenseRules.IdFor(message.OrderId), Actor.Platform,
            (state, now) => state is null ? Decision<LicenseEvent>.Accept() : LicenseRules.Decide(state, new SyncLicenseCall(Actor.Platform, call), now), ct);
        DomainException.ThrowIf(result.Error);
    }

    private async Task<LicenseView> ActAsync(string licenseId, LicenseCommand command, CancellationToken ct)
    {
        var result = await runner.ExecuteAsync(Definition, licenseId, command.Actor,
            (state, now) => state is null || !LicenseRules.CanSee(state, command.Actor) ? LicenseErrors.NotFound() : LicenseRules.Decide(state, command, now), ct);
        DomainException.ThrowIf(result.Error);
        return await GetAsync(licenseId, command.Actor, ct);
    }

    /// <summary>The license holding <paramref name="code"/>, or null. A code outside the code alphabet is nobody's.</summary>
    public async Task<LicenseCode?> FindByCodeAsync(string code, CancellationToken ct)
    {
        if (code.Length is < 3 or > 64 || !code.All(c => char.IsAsciiLetterOrDigit(c))) return null;
        var claim = (await runner.LoadAsync(Claims, code, ct))?.State;
        if (claim is null) return null;
        var license = (await runner.LoadAsync(Definition, claim.LicenseId, ct))?.State;
        // A claim whose license took another code (two issuers raced) points nowhere.
        return license?.Code == code ? license : null;
    }

    /// <summary>Draws a random code and claims it in the index (a taken code, which 120 random bits make unlikely, draws again).</summary>
    private async Task<string> ClaimCodeAsync(string licenseId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var code = NewCode();
            var claimed = await runner.ExecuteAsync(Claims, code, Actor.Platform, (state, now) => state is null
                ? Decision<LicenseCodeClaimed>.Accept(new LicenseCodeClaimed(code, licenseId, now))
                : DomainError.Conflict("license.code-taken", $"The code is taken by {state.LicenseId}."), ct);
            if (!claimed.IsRejected) return code;
            if (attempt >= 5) DomainException.ThrowIf(claimed.Error);
        }
    }

    /// <summary>A new code: <c>PL</c> (as KooGallery's examples) and random characters of the id alphabet.</summary>
    public static string NewCode() => "PL" + CatalogueService.NewId(CodeRandomLength);

    private static LicenseCode Read(AggregateRecord record) =>
        JsonSerializer.Deserialize<LicenseCode>(record.StateJson, Definition.Json) ?? throw new InvalidDataException($"License {record.Id} has an empty snapshot.");
}

/// <summary>The index row's one event: the code was claimed for a license.</summary>
public sealed record LicenseCodeClaimed(string Code, string LicenseId, DateTimeOffset At) : IDomainEvent
{
    public string Action => "license-code.claimed";
}

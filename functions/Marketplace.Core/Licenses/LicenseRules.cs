using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Licenses;

/// <summary>
/// The License 2.0 code as a pure state machine (domain §6.8, §10): issued per paid order, received and activated as
/// its supervision case says (§6.2-L2), then renewed, frozen, unfrozen and released by the platform, each change
/// queuing its call to the seller (<c>refreshLicenseCode</c>, <c>updateLicenseCodeStatus</c>, <c>releaseLicenseCode</c>,
/// P35–P37). The platform is the source of truth: the code changes at once and the call that tells the seller is queued;
/// calls about one code go out one at a time, in order (§7.10). No I/O, no clock, no random ids.
/// </summary>
public static class LicenseRules
{
    public const string IdPrefix = "LC";

    /// <summary>The license of an order: <c>LC{orderId}</c> (one code per License 2.0 order).</summary>
    public static string IdFor(string orderId) => IdPrefix + orderId;

    public static Decision<LicenseEvent> Decide(LicenseCode? state, LicenseCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command is IssueLicense issue) return DecideIssue(state, issue, now);
        if (state is null) return LicenseErrors.NotFound();
        return command switch
        {
            FollowCase c => DecideFollow(state, c, now),
            RenewLicense c => DecideRenew(state, c, now),
            ChangeLicenseStatus c => DecideStatus(state, c, now),
            ReleaseLicense c => DecideRelease(state, c, now),
            SyncLicenseCall c => DecideSync(state, c, now),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown license command."),
        };
    }

    public static LicenseCode Apply(LicenseCode? state, LicenseEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is LicenseIssued issued)
        {
            if (state is not null) throw new InvalidOperationException($"License {state.LicenseId} is already issued.");
            return issued.License with { Status = LicenseStatus.Issued, IssuedAt = issued.At };
        }

        var s = state ?? throw new InvalidOperationException($"{e.Action} needs an issued license.");
        return e switch
        {
            LicenseReceived r => s with { Status = s.Status == LicenseStatus.Issued ? LicenseStatus.Received : s.Status, ReceivedAt = r.ReceivedAt },
            LicenseActivated a => s with { Status = LicenseStatus.Alive, ReceivedAt = s.ReceivedAt ?? a.ActivatedAt, ActivatedAt = a.ActivatedAt, ExpireTime = a.ExpireTime },
            LicenseSupervisionEnded x => s with { Supervision = x.Outcome, SupervisionEndedAt = x.EndedAt },
            LicenseRenewed r => s with
            {
                ExpireTime = r.ExpireTime,
                Changes = [.. s.Changes, new LicenseChange(r.Scene == "RENEWAL" ? "renewal" : "renewal-unsubscribe", r.OrderId, r.At,
                    $"expireTime {SellerRequest.FormatExpireTime(r.ExpireTime)}")],
            },
            LicenseFrozen f => s with { Status = LicenseStatus.Frozen, Changes = [.. s.Changes, new LicenseChange("freeze", null, f.At, f.Why)] },
            LicenseUnfrozen u => s with { Status = LicenseStatus.Alive, Changes = [.. s.Changes, new LicenseChange("unfreeze", null, u.At, u.Why)] },
            LicenseReleased r => s with
            {
                Status = LicenseStatus.Released,
                ReleasedAt = r.At,
                ReleaseReason = r.Why,
                Changes = [.. s.Changes, new LicenseChange("release", r.OrderId, r.At, r.Why)],
            },
            LicenseCallQueued q => Push(s, q.Call),
            LicenseCallFinished f => Pop(s, f.CallId),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown license event."),
        };
    }

    public static LicenseCode? ApplyAll(LicenseCode? state, IEnumerable<LicenseEvent> events) => events.Aggregate(state, Apply);

    /// <summary>The calls the queue sends: a queued call that became the head, and the next head when one finished.</summary>
    public static IEnumerable<(string Topic, object Payload)> Outbox(LicenseCode after, LicenseEvent e)
    {
        switch (e)
        {
            case LicenseCallQueued q when after.ActiveCallId == q.Call.CallId:
                yield return (SellerCallService.CreateTopic, CallQueue.Message(after.SellerId, after.ProductId, q.Call, after.OrderId));
                break;
            case LicenseCallFinished when CallQueue.HeadMessage(after.SellerId, after.ProductId, after.QueuedCalls, after.ActiveCallId, after.OrderId) is { } next:
                yield return (SellerCallService.CreateTopic, next);
                break;
        }
    }

    public static IReadOnlyDictionary<string, string> Tags(LicenseCode l) => new Dictionary<string, string>
    {
        ["buyerId"] = l.BuyerId,
        ["sellerId"] = l.SellerId,
        ["orderId"] = l.OrderId,
        ["status"] = LicenseErrors.Wire(l.Status),
    };

    /// <summary>Whether <paramref name="actor"/> may see the code: its buyer, its seller, ops and the platform.</summary>
    public static bool CanSee(LicenseCode l, Actor actor) => actor.Role switch
    {
        Role.Buyer => l.BuyerId == actor.Id,
        Role.Seller => l.SellerId == actor.Id,
        Role.Ops or Role.System => true,
        _ => false,
    };

    /// <summary>The end of the period bought with the order, counted from the activation (seed 002, §6.10).</summary>
    public static DateTimeOffset? ExpiryFrom(LicenseCode l, DateTimeOffset activatedAt) =>
        l.PeriodMonths is { } months ? activatedAt.AddMonths(months) : null;

    // §6.2-L2 #1 (P44, and the activation API's "the code is sent to the seller and the customer"): issued when the order is paid.
    private static Decision<LicenseEvent> DecideIssue(LicenseCode? state, IssueLicense c, DateTimeOffset now)
    {
        if (c.Actor.Role != Role.System) return DomainError.Forbidden("Only the platform issues license codes.");
        var l = c.License;
        if (state is not null)
        {
            return state.OrderId == l.OrderId
                ? Decision<LicenseEvent>.Accept() // at-least-once: the order's code is issued once, the first code stands
                : DomainError.Conflict(LicenseErrors.InvalidState, $"License {state.LicenseId} belongs to order {state.OrderId}.");
        }

        if (l.LicenseId != IdFor(l.OrderId)) return LicenseErrors.Invalid("The license id must be LC followed by the order id.");
        // §5.8: the code (license) is at most 64 characters.
        if (string.IsNullOrWhiteSpace(l.Code) || l.Code.Length > SellerFieldLimits.Id) return LicenseErrors.Invalid("The code must be 1 to 64 characters.");
        return Decision<LicenseEvent>.Accept(new LicenseIssued(now, l));
    }

    // §6.2-L2 #2–#3 (P44, seed 002): receipt and activation are decided by the case; the code records them once. A closed case
    // releases the code (§6.8 "unsubscribed"); the seller is told only about a code it activated (an unused code needs no release).
    private static Decision<LicenseEvent> DecideFollow(LicenseCode s, FollowCase c, DateTimeOffset now)
    {
        if (c.Actor.Role is not (Role.System or Role.Seller or Role.Ops)) return DomainError.Forbidden("Only the platform records what the case decided.");
        var events = new List<LicenseEvent>();
        var state = s;
        void Add(LicenseEvent e)
        {
            events.Add(e);
            state = Apply(state, e);
        }

        if (c.ReceivedAt is { } received && state.ReceivedAt is null && state.Status == LicenseStatus.Issued)
            Add(new LicenseReceived(now, received));
        if (c.ActivatedAt is { } activated && state.ActivatedAt is null && state.Status != LicenseStatus.Released)
            Add(new LicenseActivated(now, activated, ExpiryFrom(state, activated)));
        if (c.Ended is { } ended && c.EndedAt is { } endedAt && state.Supervision is null)
        {
            Add(new LicenseSupervisionEnded(now, ended, endedAt));
            if (ended == "closed" && state.Status != LicenseStatus.Released)
            {
                const string why = "the supervision case was closed";
                var activatedBefore = state.IsActivated;
                Add(new LicenseReleased(now, why, null, null));
                if (activatedBefore) Add(Queue(state, 1, SellerRequest.ReleaseLicenseCode(state.Code), now));
            }
        }

        return Decision<LicenseEvent>.Accept(events);
    }

    // §6.8, §10 (P35): renewal and renewal-period unsubscribe go to the seller as refreshLicenseCode; a renewal unfreezes a frozen code.
    private static Decision<LicenseEvent> DecideRenew(LicenseCode s, RenewLicense c, DateTimeOffset now)
    {
        var renewal = c.Scene == RefreshScene.Renewal;
        var doing = renewal ? "renewing" : "unsubscribing a renewal period";
        if (c.Actor.Role != Role.Buyer || c.Actor.Id != s.BuyerId) return DomainError.Forbidden($"{(renewal ? "Renewing" : "Unsubscribing a renewal period")} is for the buyer of the order.");
        if (Done(s, c.OrderId)) return Decision<LicenseEvent>.Accept();
        if (c.Scene is not (RefreshScene.Renewal or RefreshScene.UnsubscribeRenewalPeriod))
            return LicenseErrors.Invalid("scene must be RENEWAL or UNSUBSCRIBE_RENEWAL_PERIOD.");
        if (s.Status is not (LicenseStatus.Alive or LicenseStatus.Frozen)) return LicenseErrors.State(s, doing, "only an activated code that is not released");
        if (s.ExpireTime is not { } current) return LicenseErrors.State(s, doing, "the order bought no period, so the code has no expiry");
        if (renewal && (c.ExpireTime <= current || c.ExpireTime <= now))
            return LicenseErrors.Invalid($"expireTime must be after the current expiry {current.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}.");
        if (!renewal && !s.Changes.Any(x => x.Kind == "renewal"))
            return LicenseErrors.State(s, doing, "the code was never renewed");
        if (!renewal && (c.ExpireTime >= current || c.ExpireTime <= now))
            return LicenseErrors.Invalid($"expireTime must lie between now and the current expiry {current.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}.");

        var line = c.OrderId + "-000001";
        var events = new List<LicenseEvent>
        {
            new LicenseRenewed(now, c.Scene.ToWire(), c.OrderId, line, c.ExpireTime),
            Queue(s, 1, SellerRequest.RefreshLicenseCode(c.Scene, c.OrderId, line, s.Code, c.ExpireTime), now),
        };
        if (renewal && s.Status == LicenseStatus.Frozen)
        {
            // §6.8: UNFREEZE on renewal.
            events.Add(new LicenseUnfrozen(now, $"renewed by order {c.OrderId}"));
            events.Add(Queue(s, 2, SellerRequest.UpdateLicenseCodeStatus(s.Code, InstanceStatusChange.Unfreeze), now));
        }

        return Decision<LicenseEvent>.Accept(events);
    }

    /// <summary>
    /// A repeat of a renewal or unsubscribe already made under this order id: the id comes from the request's identity
    /// (<see cref="CatalogueService.NewOrderId"/>), so a request that runs again after its first attempt died changes
    /// nothing twice.
    /// </summary>
    private static bool Done(LicenseCode s, string? orderId) => orderId is not null && s.Changes.Any(x => x.OrderId == orderId);

    // §6.8, §10 (P36): FREEZE (expiry beyond the grace, violation) and UNFREEZE (violation lifted) by ops.
    private static Decision<LicenseEvent> DecideStatus(LicenseCode s, ChangeLicenseStatus c, DateTimeOffset now)
    {
        var freeze = c.Status == InstanceStatusChange.Freeze;
        if (c.Actor.Role != Role.Ops) return DomainError.Forbidden("Freezing and unfreezing a license code is for operations.");
        var needs = freeze ? LicenseStatus.Alive : LicenseStatus.Frozen;
        if (s.Status != needs) return LicenseErrors.State(s, freeze ? "freezing" : "unfreezing", $"only a {LicenseErrors.Wire(needs)} code");
        var why = string.IsNullOrWhiteSpace(c.Reason) ? $"{(freeze ? "frozen" : "unfrozen")} by {c.Actor.Id}" : c.Reason.Trim();
        if (why.Length > 500) return LicenseErrors.Invalid("reason is at most 500 characters.");
        return Decision<LicenseEvent>.Accept(
            freeze ? new LicenseFrozen(now, why) : new LicenseUnfrozen(now, why),
            Queue(s, 1, SellerRequest.UpdateLicenseCodeStatus(s.Code, c.Status), now));
    }

    // §6.8, §10 (P37): released when unsubscribed (the buyer, after the supervision completed) or when retention ends (ops).
    private static Decision<LicenseEvent> DecideRelease(LicenseCode s, ReleaseLicense c, DateTimeOffset now)
    {
        const string doing = "releasing";
        var buyer = c.Actor.Role == Role.Buyer;
        if (!(buyer && c.Actor.Id == s.BuyerId) && c.Actor.Role != Role.Ops)
            return DomainError.Forbidden("Releasing a license code is for the buyer of the order (unsubscribe) or operations.");
        if (buyer && Done(s, c.UnsubscribeOrderId)) return Decision<LicenseEvent>.Accept();
        if (s.Status == LicenseStatus.Released) return LicenseErrors.State(s, doing, "it is released already");
        if (!s.IsActivated) return LicenseErrors.State(s, doing, "a code that was never activated is released when its supervision case closes");
        // P44: while supervised, the order is settled by the case (appeal, close); an unsubscribe comes after the completion.
        if (buyer && s.Supervision != "completed") return LicenseErrors.State(s, doing, "the buyer unsubscribes once the supervision has completed");
        if (buyer && string.IsNullOrWhiteSpace(c.UnsubscribeOrderId)) return LicenseErrors.Invalid("An unsubscribe needs its unsubscribe order.");
        var why = string.IsNullOrWhiteSpace(c.Reason) ? (buyer ? "unsubscribed by the buyer" : $"released by {c.Actor.Id}") : c.Reason.Trim();
        if (why.Length > 500) return LicenseErrors.Invalid("reason is at most 500 characters.");
        var order = buyer ? c.UnsubscribeOrderId : null;
        var line = order is null ? null : order + "-000001";
        return Decision<LicenseEvent>.Accept(
            new LicenseReleased(now, why, order, line),
            Queue(s, 1, SellerRequest.ReleaseLicenseCode(s.Code, order, line), now));
    }

    // §7.10: the head of the queue ended (succeeded, or delivered by hand); a parked call holds the queue until the seller retries it.
    private static Decision<LicenseEvent> DecideSync(LicenseCode s, SyncLicenseCall c, DateTimeOffset now) =>
        c.Call.IsTerminal && s.QueuedCalls.Any(q => q.CallId == c.Call.CallId)
            ? Decision<LicenseEvent>.Accept(new LicenseCallFinished(now, c.Call.CallId, c.Call.Activity, SellerCallStatusNames.Wire(c.Call.Status)))
            : Decision<LicenseEvent>.Accept();

    private static LicenseCallQueued Queue(LicenseCode s, int n, SellerRequest request, DateTimeOffset now) =>
        new(now, CallQueue.Entry(s.SellerId, s.ProductId, s.CallCount, n, request, now));

    private static LicenseCode Push(LicenseCode s, QueuedInstanceCall call)
    {
        var (queued, active) = CallQueue.Enqueue(s.QueuedCalls, s.ActiveCallId, call);
        return s with { QueuedCalls = queued, ActiveCallId = active, CallCount = s.CallCount + 1 };
    }

    private static LicenseCode Pop(LicenseCode s, string callId)
    {
        var (queued, active) = CallQueue.Finish(s.QueuedCalls, s.ActiveCallId, callId);
        return s with { QueuedCalls = queued, ActiveCallId = active };
    }
}

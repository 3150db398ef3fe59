using Marketplace.Core.Common;

namespace Marketplace.Core.HardwareUnsubscribe;

/// <summary>
/// The hardware unsubscribe as a pure state machine (domain §6.6):
/// <code>
/// AwaitingSellerReview ──approve (not received)──▶ Refunding ──refund──▶ Done
///        │             ──approve (received)────▶ AwaitingBuyerReturn ──return shipment──▶ AwaitingSellerInspection ──accept──▶ Refunding
///        ├──reject (reason)──▶ Rejected                │
///        └──buyer withdraws──▶ Withdrawn ◀──buyer withdraws / return window passes
/// </code>
/// The review window only records that the buyer may appeal; it moves nothing. No I/O, no clock.
/// Checks run in this order: role and party (403), status (409), payload (422).
/// </summary>
public static class UnsubscribeRules
{
    private static readonly Role[] BuyerOnly = [Role.Buyer];
    private static readonly Role[] SellerOnly = [Role.Seller];
    private static readonly Role[] SystemOnly = [Role.System];
    private static readonly Role[] SystemOrBuyer = [Role.System, Role.Buyer];

    public const int MaxReasonLength = 500;
    public const int MaxCarrierLength = 64;
    public const int MaxTrackingNoLength = 64;

    public static Decision<UnsubscriptionEvent> Decide(Unsubscription? state, UnsubscriptionCommand command, DateTimeOffset now, UnsubscribeOptions options)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(options);
        if (command is OpenUnsubscription open) return DecideOpen(state, open, options);
        if (state is null) return UnsubscribeErrors.NotFound();
        return command switch
        {
            ReviewUnsubscription c => DecideReview(state, c, now, options),
            EnterReturnShipment c => DecideReturn(state, c, now),
            InspectReturn c => DecideInspection(state, c, now),
            WithdrawUnsubscription c => DecideWithdraw(state, c, now),
            CompleteRefund c => DecideRefund(state, c, now),
            ConfirmCaseClosed c => DecideCaseClosed(state, c, now),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown unsubscribe command."),
        };
    }

    public static Unsubscription Apply(Unsubscription? state, UnsubscriptionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is UnsubscriptionApplied a)
        {
            if (state is not null) throw new InvalidOperationException($"The unsubscription {state.UnsubscriptionId} exists already.");
            return new Unsubscription
            {
                UnsubscriptionId = a.UnsubscriptionId,
                OrderId = a.OrderId,
                CaseId = a.CaseId,
                ProductId = a.ProductId,
                BuyerId = a.BuyerId,
                SellerId = a.SellerId,
                Kind = a.Kind,
                Reason = a.ApplicationReason,
                QuotaYear = a.QuotaYear,
                QuotaSlot = a.QuotaSlot,
                Status = UnsubscriptionStatus.AwaitingSellerReview,
                AppliedAt = a.At,
                StatusEnteredAt = a.At,
                ReviewDueAt = a.ReviewDueAt,
            };
        }

        var s = state ?? throw new InvalidOperationException($"{e.Action} needs an application.");
        return e switch
        {
            UnsubscriptionApproved x => Enter(s with { Review = new SellerReview(true, x.Comment, x.By, x.At), ReturnDueAt = x.ReturnDueAt }, x.To, x.At),
            UnsubscriptionRejected x => Enter(s with { Review = new SellerReview(false, x.RejectionReason, x.By, x.At) }, UnsubscriptionStatus.Rejected, x.At),
            ReviewWindowElapsed x => s with { ReviewWindowElapsedAt = x.At },
            ReturnShipped x => Enter(s with { ReturnShipment = new ReturnShipment(x.Carrier, x.TrackingNo, x.At) }, UnsubscriptionStatus.AwaitingSellerInspection, x.At),
            ReturnWindowElapsed x => Enter(s with { Withdrawal = new Withdrawal("platform", ReturnWindowElapsed.Why, x.At) }, UnsubscriptionStatus.Withdrawn, x.At),
            ReturnInspected x => Enter(s with { Inspection = new ReturnInspection(x.Note, x.By, x.At) }, UnsubscriptionStatus.Refunding, x.At),
            UnsubscriptionWithdrawn x => Enter(s with { Withdrawal = new Withdrawal(x.By, x.WithdrawReason ?? "withdrawn by the buyer", x.At) }, UnsubscriptionStatus.Withdrawn, x.At),
            RefundCompleted x => Enter(s with { RefundedAt = x.At }, UnsubscriptionStatus.Done, x.At),
            CaseCloseConfirmed x => s with { CaseClosedAt = x.At },
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown unsubscribe event."),
        };
    }

    public static Unsubscription? ApplyAll(Unsubscription? state, IEnumerable<UnsubscriptionEvent> events) =>
        events.Aggregate(state, (s, e) => Apply(s, e));

    /// <summary>
    /// The next moment time alone changes something: the end of the review window (until recorded) while the seller
    /// has not reviewed, the end of the return window while the buyer has not shipped. Null otherwise.
    /// </summary>
    public static DateTimeOffset? NextDeadline(Unsubscription state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Status switch
        {
            UnsubscriptionStatus.AwaitingSellerReview when state.ReviewWindowElapsedAt is null => state.ReviewDueAt,
            UnsubscriptionStatus.AwaitingBuyerReturn => state.ReturnDueAt,
            _ => null,
        };
    }

    /// <summary>What is due at <paramref name="now"/>; nothing when nothing is, so a repeated or late wake-up is harmless.</summary>
    public static Decision<UnsubscriptionEvent> Tick(Unsubscription state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        // P43: no return logistics within 10 days of the approval → treated as withdrawn.
        if (state is { Status: UnsubscriptionStatus.AwaitingBuyerReturn, ReturnDueAt: { } returnDue } && now >= returnDue)
            return Decision<UnsubscriptionEvent>.Accept(new ReturnWindowElapsed(now, returnDue));
        // P43: the seller has not handled it within 10 days → the buyer may appeal (recorded once on the timeline).
        if (state is { Status: UnsubscriptionStatus.AwaitingSellerReview, ReviewWindowElapsedAt: null } && now >= state.ReviewDueAt)
            return Decision<UnsubscriptionEvent>.Accept(new ReviewWindowElapsed(now, state.ReviewDueAt));
        return Decision<UnsubscriptionEvent>.Accept();
    }

    /// <summary>
    /// Whether the buyer may appeal now (P43: the seller did not review within the review window), and from when.
    /// <c>From</c> is set while the application awaits the review, so a frontend can count down.
    /// </summary>
    public static UnsubscribeAppealEligibility BuyerAppeal(Unsubscription state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Status != UnsubscriptionStatus.AwaitingSellerReview)
            return new(false, null, "review-window", $"The seller's review window applies only while the application awaits review; it is {state.Status}.");
        return now >= state.ReviewDueAt
            ? new(true, state.ReviewDueAt, "review-window", $"The seller has not reviewed the application since {state.AppliedAt:O}; the review window ended at {state.ReviewDueAt:O}.")
            : new(false, state.ReviewDueAt, "review-window", $"The buyer may appeal if the seller has not reviewed by {state.ReviewDueAt:O}.");
    }

    // §6.6 #1 (seed 000, P43): the application; the quota and the order checks ran before (use-case layer).
    private static Decision<UnsubscriptionEvent> DecideOpen(Unsubscription? state, OpenUnsubscription c, UnsubscribeOptions options)
    {
        const string doing = "applying for an unsubscribe";
        if (!SystemOrBuyer.Contains(c.Actor.Role)) return UnsubscribeErrors.WrongRole(state, c.Actor, doing, BuyerOnly);
        if (c.Actor.Role == Role.Buyer && c.Actor.Id != c.BuyerId)
            return DomainError.Forbidden($"Only the buyer of order {c.OrderId} may apply to unsubscribe it.", UnsubscribeErrors.Forbidden);
        // The request and the quota's outbox both open it: the second open changes nothing.
        if (state is not null)
        {
            return state.OrderId == c.OrderId
                ? Decision<UnsubscriptionEvent>.Accept()
                : DomainError.Conflict(UnsubscribeErrors.AlreadyOpen, $"The unsubscription {state.UnsubscriptionId} exists already for order {state.OrderId}.");
        }
        if (ReasonProblem(c.Reason, "the unsubscribe reason") is { } problem) return problem;
        if (!Enum.IsDefined(c.Kind)) return UnsubscribeErrors.Invalid($"Unknown unsubscribe kind {c.Kind}.");
        return Decision<UnsubscriptionEvent>.Accept(new UnsubscriptionApplied(c.AppliedAt, c.UnsubscriptionId, c.OrderId, c.CaseId, c.ProductId,
            c.BuyerId, c.SellerId, c.Kind, c.Reason.Trim(), c.QuotaYear, c.QuotaSlot, c.AppliedAt + options.SellerReviewWindow));
    }

    // §6.6 #2–#3 (seed 000: 退订管理 > 审核).
    private static Decision<UnsubscriptionEvent> DecideReview(Unsubscription s, ReviewUnsubscription c, DateTimeOffset now, UnsubscribeOptions options)
    {
        const string doing = "reviewing the application";
        if (Guard(s, c.Actor, doing, SellerOnly) is { } denied) return denied;
        if (s.Status != UnsubscriptionStatus.AwaitingSellerReview) return UnsubscribeErrors.NotAllowed(s, doing);
        switch (c.Decision)
        {
            case UnsubscribeReviewDecision.Approve:
                if (c.Reason is { Length: > MaxReasonLength }) return UnsubscribeErrors.Invalid($"The comment is at most {MaxReasonLength} characters.");
                // Not received: nothing to send back, the refund starts. Received: P43, the return window starts now.
                return s.Kind == UnsubscribeKind.NotReceived
                    ? Decision<UnsubscriptionEvent>.Accept(new UnsubscriptionApproved(now, c.Actor.Id, Trim(c.Reason), UnsubscriptionStatus.Refunding, null))
                    : Decision<UnsubscriptionEvent>.Accept(new UnsubscriptionApproved(now, c.Actor.Id, Trim(c.Reason), UnsubscriptionStatus.AwaitingBuyerReturn, now + options.ReturnWindow));
            case UnsubscribeReviewDecision.Reject:
                if (ReasonProblem(c.Reason, "the rejection reason") is { } problem) return problem;
                return Decision<UnsubscriptionEvent>.Accept(new UnsubscriptionRejected(now, c.Actor.Id, c.Reason!.Trim()));
            default:
                return UnsubscribeErrors.Invalid($"Unknown decision {c.Decision}.");
        }
    }

    // §6.6 #5 (P43): the return logistics, within the return window.
    private static Decision<UnsubscriptionEvent> DecideReturn(Unsubscription s, EnterReturnShipment c, DateTimeOffset now)
    {
        const string doing = "entering the return shipment";
        if (Guard(s, c.Actor, doing, BuyerOnly) is { } denied) return denied;
        if (s.Status != UnsubscriptionStatus.AwaitingBuyerReturn) return UnsubscribeErrors.NotAllowed(s, doing);
        // The timer may be late: a shipment entered after the window is refused like one after the withdrawal.
        if (s.ReturnDueAt is { } due && now >= due) return UnsubscribeErrors.NotAllowed(s, doing, $"the return window ended at {due:O}");
        if (string.IsNullOrWhiteSpace(c.Carrier) || c.Carrier.Trim().Length > MaxCarrierLength)
            return UnsubscribeErrors.Invalid($"carrier is required (at most {MaxCarrierLength} characters).");
        if (string.IsNullOrWhiteSpace(c.TrackingNo) || c.TrackingNo.Trim().Length > MaxTrackingNoLength)
            return UnsubscribeErrors.Invalid($"trackingNo is required (at most {MaxTrackingNoLength} characters).");
        return Decision<UnsubscriptionEvent>.Accept(new ReturnShipped(now, c.Carrier.Trim(), c.TrackingNo.Trim()));
    }

    // §6.6 #7 (P43): the seller accepts the returned goods; the refund starts.
    private static Decision<UnsubscriptionEvent> DecideInspection(Unsubscription s, InspectReturn c, DateTimeOffset now)
    {
        const string doing = "inspecting the returned goods";
        if (Guard(s, c.Actor, doing, SellerOnly) is { } denied) return denied;
        if (s.Status != UnsubscriptionStatus.AwaitingSellerInspection) return UnsubscribeErrors.NotAllowed(s, doing);
        if (c.Note is { Length: > MaxReasonLength }) return UnsubscribeErrors.Invalid($"The note is at most {MaxReasonLength} characters.");
        return Decision<UnsubscriptionEvent>.Accept(new ReturnInspected(now, c.Actor.Id, Trim(c.Note)));
    }

    // §6.6 #6 (P43): 撤回退订, while the seller reviews or the goods are still to be sent back.
    private static Decision<UnsubscriptionEvent> DecideWithdraw(Unsubscription s, WithdrawUnsubscription c, DateTimeOffset now)
    {
        const string doing = "withdrawing the application";
        if (Guard(s, c.Actor, doing, BuyerOnly) is { } denied) return denied;
        if (s.Status is not (UnsubscriptionStatus.AwaitingSellerReview or UnsubscriptionStatus.AwaitingBuyerReturn))
            return UnsubscribeErrors.NotAllowed(s, doing);
        if (c.Reason is { Length: > MaxReasonLength }) return UnsubscribeErrors.Invalid($"The reason is at most {MaxReasonLength} characters.");
        return Decision<UnsubscriptionEvent>.Accept(new UnsubscriptionWithdrawn(now, c.Actor.Id, Trim(c.Reason)));
    }

    private static Decision<UnsubscriptionEvent> DecideRefund(Unsubscription s, CompleteRefund c, DateTimeOffset now)
    {
        if (c.Actor.Role != Role.System) return UnsubscribeErrors.WrongRole(s, c.Actor, "completing the refund", SystemOnly);
        if (s.Status == UnsubscriptionStatus.Done) return Decision<UnsubscriptionEvent>.Accept(); // at-least-once delivery
        if (s.Status != UnsubscriptionStatus.Refunding) return UnsubscribeErrors.NotAllowed(s, "completing the refund");
        return Decision<UnsubscriptionEvent>.Accept(new RefundCompleted(now));
    }

    private static Decision<UnsubscriptionEvent> DecideCaseClosed(Unsubscription s, ConfirmCaseClosed c, DateTimeOffset now)
    {
        if (c.Actor.Role != Role.System) return UnsubscribeErrors.WrongRole(s, c.Actor, "confirming the case closure", SystemOnly);
        if (s.Status != UnsubscriptionStatus.Done) return UnsubscribeErrors.NotAllowed(s, "confirming the case closure", "not refunded");
        return s.CaseClosedAt is null ? Decision<UnsubscriptionEvent>.Accept(new CaseCloseConfirmed(now)) : Decision<UnsubscriptionEvent>.Accept();
    }

    private static DomainError? Guard(Unsubscription s, Actor actor, string doing, Role[] roles)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!roles.Contains(actor.Role)) return UnsubscribeErrors.WrongRole(s, actor, doing, roles);
        if (actor.Role == Role.Buyer && actor.Id != s.BuyerId) return UnsubscribeErrors.NotTheParty(s, actor, doing);
        if (actor.Role == Role.Seller && actor.Id != s.SellerId) return UnsubscribeErrors.NotTheParty(s, actor, doing);
        return null;
    }

    private static DomainError? ReasonProblem(string? reason, string what) =>
        string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > MaxReasonLength
            ? UnsubscribeErrors.Invalid($"{char.ToUpperInvariant(what[0])}{what[1..]} is required (at most {MaxReasonLength} characters).")
            : null;

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static Unsubscription Enter(Unsubscription s, UnsubscriptionStatus status, DateTimeOffset at) =>
        s with { Status = status, StatusEnteredAt = at };
}

/// <summary>Whether the buyer may appeal an unreviewed application, from when, and why.</summary>
public sealed record UnsubscribeAppealEligibility(bool Eligible, DateTimeOffset? From, string Rule, string Explanation);

using Marketplace.Core.Common;

namespace Marketplace.Core.HardwareUnsubscribe;

/// <summary>
/// Something that happened to an unsubscribe application. Events carry the moments the rules chose (deadlines), so
/// replaying them gives the same snapshot even if the settings change later.
/// </summary>
public abstract record UnsubscriptionEvent(DateTimeOffset At) : IDomainEvent
{
    public abstract string Action { get; }

    public virtual string? Reason => null;
}

public sealed record UnsubscriptionApplied(
    DateTimeOffset At,
    string UnsubscriptionId,
    string OrderId,
    string CaseId,
    string ProductId,
    string BuyerId,
    string SellerId,
    UnsubscribeKind Kind,
    string ApplicationReason,
    int QuotaYear,
    int QuotaSlot,
    DateTimeOffset ReviewDueAt) : UnsubscriptionEvent(At)
{
    public override string Action => UnsubscribeActions.Applied;
    public override string? Reason => ApplicationReason;
}

/// <summary>The seller approved; <see cref="To"/> is Refunding (not received) or AwaitingBuyerReturn (received).</summary>
public sealed record UnsubscriptionApproved(DateTimeOffset At, string By, string? Comment, UnsubscriptionStatus To, DateTimeOffset? ReturnDueAt) : UnsubscriptionEvent(At)
{
    public override string Action => UnsubscribeActions.Approved;
    public override string? Reason => Comment;
}

public sealed record UnsubscriptionRejected(DateTimeOffset At, string By, string RejectionReason) : UnsubscriptionEvent(At)
{
    public override string Action => UnsubscribeActions.Rejected;
    public override string? Reason => RejectionReason;
}

/// <summary>The review window passed without a review: the buyer may appeal from now on.</summary>
public sealed record ReviewWindowElapsed(DateTimeOffset At, DateTimeOffset DueAt) : UnsubscriptionEvent(At)
{
    public override string Action => UnsubscribeActions.ReviewWindowElapsed;
    public override string? Reason => "the seller did not review within the review window; the buyer may appeal";
}

public sealed record ReturnShipped(DateTimeOffset At, string Carrier, string TrackingNo) : UnsubscriptionEvent(At)
{
    public override string Action => UnsubscribeActions.ReturnShipped;
    public override string? Reason => $"{Carrier} {TrackingNo}";
}

/// <summary>The return window passed without a return shipment: treated as withdrawn.</summary>
public sealed record ReturnWindowElapsed(DateTimeOffset At, DateTimeOffset DueAt) : UnsubscriptionEvent(At)
{
    public const string Why = "no return shipment within the return window; treated as withdrawn";

    public override string Action => UnsubscribeActions.ReturnWindowElapsed;
    public override string? Reason => Why;
}

public sealed record ReturnInspected(DateTimeOffset At, string By, string? Note) : UnsubscriptionEvent(At)
{
    public override string Action => UnsubscribeActions.ReturnInspected;
    public override string? Reason => Note;
}

public sealed record UnsubscriptionWithdrawn(DateTimeOffset At, string By, string? WithdrawReason) : UnsubscriptionEvent(At)
{
    public override string Action => UnsubscribeActions.Withdrawn;
    public override string? Reason => WithdrawReason;
}

public sealed record RefundCompleted(DateTimeOffset At) : UnsubscriptionEvent(At)
{
    public override string Action => UnsubscribeActions.Refunded;
}

/// <summary>The supervision case of the order confirmed it is closed (or had already ended).</summary>
public sealed record CaseCloseConfirmed(DateTimeOffset At) : UnsubscriptionEvent(At)
{
    public override string Action => UnsubscribeActions.CaseClosed;
}

/// <summary>The stable action names of the unsubscribe timeline.</summary>
public static class UnsubscribeActions
{
    public const string Applied = "unsubscription.applied";
    public const string Approved = "review.approved";
    public const string Rejected = "review.rejected";
    public const string ReviewWindowElapsed = "review.window-elapsed";
    public const string ReturnShipped = "return.shipped";
    public const string ReturnWindowElapsed = "return.window-elapsed";
    public const string ReturnInspected = "return.inspected";
    public const string Withdrawn = "unsubscription.withdrawn";
    public const string Refunded = "refund.completed";
    public const string CaseClosed = "case.closed";
}

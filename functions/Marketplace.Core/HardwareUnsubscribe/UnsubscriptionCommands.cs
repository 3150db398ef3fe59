using Marketplace.Core.Common;

namespace Marketplace.Core.HardwareUnsubscribe;

/// <summary>Something an actor asks of an unsubscribe application. Time comes in with Decide.</summary>
public abstract record UnsubscriptionCommand(Actor Actor);

/// <summary>
/// §6.6 #1: the application, after the use-case layer checked the order and claimed a quota slot. Creating it twice
/// (the request and the quota's outbox both do) changes nothing the second time.
/// </summary>
public sealed record OpenUnsubscription(
    Actor Actor,
    string UnsubscriptionId,
    string OrderId,
    string CaseId,
    string ProductId,
    string BuyerId,
    string SellerId,
    UnsubscribeKind Kind,
    string Reason,
    int QuotaYear,
    int QuotaSlot,
    DateTimeOffset AppliedAt) : UnsubscriptionCommand(Actor);

public enum UnsubscribeReviewDecision
{
    Approve,
    Reject,
}

/// <summary>§6.6 #2–#3: the seller approves or rejects (a rejection needs a reason).</summary>
public sealed record ReviewUnsubscription(Actor Actor, UnsubscribeReviewDecision Decision, string? Reason = null) : UnsubscriptionCommand(Actor);

/// <summary>§6.6 #5: the buyer enters the return shipment.</summary>
public sealed record EnterReturnShipment(Actor Actor, string Carrier, string TrackingNo) : UnsubscriptionCommand(Actor);

/// <summary>§6.6 #7: the seller accepts the returned goods.</summary>
public sealed record InspectReturn(Actor Actor, string? Note = null) : UnsubscriptionCommand(Actor);

/// <summary>§6.6 #6: the buyer withdraws the application (撤回退订).</summary>
public sealed record WithdrawUnsubscription(Actor Actor, string? Reason = null) : UnsubscriptionCommand(Actor);

/// <summary>The platform finished the refund.</summary>
public sealed record CompleteRefund(Actor Actor) : UnsubscriptionCommand(Actor);

/// <summary>The platform: the order's supervision case is closed.</summary>
public sealed record ConfirmCaseClosed(Actor Actor) : UnsubscriptionCommand(Actor);

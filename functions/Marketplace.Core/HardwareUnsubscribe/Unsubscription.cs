namespace Marketplace.Core.HardwareUnsubscribe;

/// <summary>The two kinds of hardware unsubscribe (seed 000: 未收货 / 已收货).</summary>
public enum UnsubscribeKind
{
    /// <summary>未收货: the buyer has not received the goods; an approval refunds at once.</summary>
    NotReceived,

    /// <summary>已收货: the buyer has the goods; an approval asks for them back first.</summary>
    Received,
}

/// <summary>The states of a hardware unsubscribe application (domain §6.6). The names are the API's status names.</summary>
public enum UnsubscriptionStatus
{
    /// <summary>审核: the seller approves or rejects. Seller side; after the review window the buyer may appeal.</summary>
    AwaitingSellerReview,

    /// <summary>Received, approved: the buyer ships the goods back and enters the return logistics. Buyer side.</summary>
    AwaitingBuyerReturn,

    /// <summary>待商家验收: the seller inspects the returned goods. Seller side.</summary>
    AwaitingSellerInspection,

    /// <summary>The platform refunds the buyer. Platform side.</summary>
    Refunding,

    /// <summary>Refunded; the order's supervision is closed. Terminal.</summary>
    Done,

    /// <summary>The seller rejected the application. Terminal.</summary>
    Rejected,

    /// <summary>The buyer withdrew it, or let the return window pass (treated as withdrawn). Terminal.</summary>
    Withdrawn,
}

public static class UnsubscriptionStatuses
{
    public static bool IsTerminal(this UnsubscriptionStatus s) =>
        s is UnsubscriptionStatus.Done or UnsubscriptionStatus.Rejected or UnsubscriptionStatus.Withdrawn;

    /// <summary>Who is expected to act: <c>buyer</c>, <c>seller</c>, <c>platform</c>, or <c>none</c> when terminal.</summary>
    public static string Side(this UnsubscriptionStatus s) => s switch
    {
        UnsubscriptionStatus.AwaitingSellerReview or UnsubscriptionStatus.AwaitingSellerInspection => "seller",
        UnsubscriptionStatus.AwaitingBuyerReturn => "buyer",
        UnsubscriptionStatus.Refunding => "platform",
        _ => "none",
    };
}

/// <summary>The seller's review of the application.</summary>
public sealed record SellerReview(bool Approved, string? Reason, string By, DateTimeOffset At);

/// <summary>The buyer's return shipment (寄回信息).</summary>
public sealed record ReturnShipment(string Carrier, string TrackingNo, DateTimeOffset At);

/// <summary>The seller's inspection of the returned goods.</summary>
public sealed record ReturnInspection(string? Note, string By, DateTimeOffset At);

/// <summary>How an application was withdrawn: by the buyer, or by the platform when the return window passed.</summary>
public sealed record Withdrawal(string By, string Reason, DateTimeOffset At);

/// <summary>
/// One hardware unsubscribe application (退订申请) and where it stands. Immutable: <see cref="UnsubscribeRules.Apply"/>
/// returns a new one. The deadlines are fixed when the step starts, so a later change of the settings does not move
/// them.
/// </summary>
public sealed record Unsubscription
{
    public required string UnsubscriptionId { get; init; }
    public required string OrderId { get; init; }
    public required string CaseId { get; init; }
    public required string ProductId { get; init; }
    public required string BuyerId { get; init; }
    public required string SellerId { get; init; }
    public required UnsubscribeKind Kind { get; init; }
    public required string Reason { get; init; }

    /// <summary>The natural year (billing time zone) whose quota the application used, and its slot in it (1-based).</summary>
    public required int QuotaYear { get; init; }
    public required int QuotaSlot { get; init; }

    public required UnsubscriptionStatus Status { get; init; }
    public required DateTimeOffset AppliedAt { get; init; }
    public required DateTimeOffset StatusEnteredAt { get; init; }

    /// <summary>P43: the seller reviews within the review window; after it the buyer may appeal.</summary>
    public required DateTimeOffset ReviewDueAt { get; init; }

    /// <summary>When the platform recorded that the review window passed without a review (once).</summary>
    public DateTimeOffset? ReviewWindowElapsedAt { get; init; }

    public SellerReview? Review { get; init; }

    /// <summary>P43: a received-goods approval gives the buyer the return window to enter the return logistics.</summary>
    public DateTimeOffset? ReturnDueAt { get; init; }

    public ReturnShipment? ReturnShipment { get; init; }
    public ReturnInspection? Inspection { get; init; }
    public DateTimeOffset? RefundedAt { get; init; }
    public Withdrawal? Withdrawal { get; init; }

    /// <summary>When the supervision case confirmed it is closed after the refund.</summary>
    public DateTimeOffset? CaseClosedAt { get; init; }

    public bool IsTerminal => Status.IsTerminal();
}

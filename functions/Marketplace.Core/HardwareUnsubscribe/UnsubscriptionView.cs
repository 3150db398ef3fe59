using Marketplace.Core.Supervision;

namespace Marketplace.Core.HardwareUnsubscribe;

/// <summary>What a party or ops sees of an application (GET /api/unsubscriptions/{id}).</summary>
public sealed record UnsubscriptionView(
    string UnsubscriptionId,
    string OrderId,
    string CaseId,
    string ProductId,
    string BuyerId,
    string SellerId,
    string Kind,
    string Reason,
    string Status,
    string Side,
    DateTimeOffset AppliedAt,
    DateTimeOffset StatusEnteredAt,
    QuotaUse Quota,
    DateTimeOffset ReviewDueAt,
    DateTimeOffset? ReviewWindowElapsedAt,
    DateTimeOffset? ReturnDueAt,
    SellerReview? Review,
    ReturnShipment? ReturnShipment,
    ReturnInspection? Inspection,
    DateTimeOffset? RefundedAt,
    Withdrawal? Withdrawal,
    DateTimeOffset? CaseClosedAt,
    UnsubscribeEligibilityView AppealEligibility,
    long Version,
    IReadOnlyList<TimelineEntry> Timeline,
    bool TimelineVerified);

/// <summary>Which year's quota the application used, and its slot in it.</summary>
public sealed record QuotaUse(int Year, int Slot);

/// <summary>Only the buyer may appeal an application (P43: the seller left it unreviewed past the window).</summary>
public sealed record UnsubscribeEligibilityView(UnsubscribeAppealEligibility Buyer);

/// <summary>A line of GET /api/unsubscriptions.</summary>
public sealed record UnsubscriptionSummary(
    string UnsubscriptionId, string OrderId, string BuyerId, string SellerId, string Kind, string Status, string Side,
    DateTimeOffset AppliedAt, DateTimeOffset StatusEnteredAt, DateTimeOffset ReviewDueAt, DateTimeOffset? ReturnDueAt);

/// <summary>GET /api/unsubscriptions/quota: the buyer's applications this natural year.</summary>
public sealed record QuotaView(int Year, string TimeZone, int Limit, int Used, int Remaining, DateTimeOffset RenewsAt, IReadOnlyList<QuotaClaim> Claims);

public static class UnsubscribeWords
{
    public static string Kind(UnsubscribeKind kind) => kind == UnsubscribeKind.NotReceived ? "notReceived" : "received";

    public static UnsubscribeKind? ParseKind(string? word) => word switch
    {
        "notReceived" => UnsubscribeKind.NotReceived,
        "received" => UnsubscribeKind.Received,
        _ => null,
    };
}

using Marketplace.Core.Persistence;

namespace Marketplace.Core.Supervision;

/// <summary>What a party or ops sees of a case (GET /api/cases/{id}).</summary>
public sealed record CaseView(
    string CaseId,
    string OrderId,
    string ProductId,
    string BuyerId,
    string SellerId,
    string Flow,
    string Scenario,
    string State,
    string Side,
    int RejectionCount,
    bool Frozen,
    DateTimeOffset StateEnteredAt,
    EligibilityView AppealEligibility,
    Appeal? Appeal,
    Requirement? Requirement,
    IReadOnlyList<ReportRef> Reports,
    IReadOnlyList<DeliveryRecord> Deliveries,
    Logistics? Logistics,
    DateTimeOffset? ActualStartTime,
    DateTimeOffset? CompletedAt,
    long Version,
    IReadOnlyList<TimelineEntry> Timeline,
    bool TimelineVerified);

public sealed record EligibilityView(PartyEligibilityView Buyer, PartyEligibilityView Seller);

public sealed record PartyEligibilityView(bool Eligible, DateTimeOffset? From, string Rule, string Explanation)
{
    public static PartyEligibilityView Of(PartyEligibility e) => new(e.Eligible, e.From, e.Rule, e.Explanation);
}

/// <summary>One timeline line: the audit entry without its hash fields.</summary>
public sealed record TimelineEntry(long Sequence, DateTimeOffset At, string Actor, string Role, string Action, string? FromState, string? ToState, string? Reason, string Hash)
{
    public static TimelineEntry Of(AuditEntry a) => new(a.Sequence, a.At, a.Actor, a.Role, a.Action, a.FromState, a.ToState, a.Reason, a.Hash);
}

/// <summary>A line of GET /api/cases.</summary>
public sealed record CaseSummary(string CaseId, string OrderId, string ProductId, string BuyerId, string SellerId, string State, string Side, bool Frozen, int RejectionCount, DateTimeOffset StateEnteredAt);

/// <summary>A line of GET /api/appeals.</summary>
public sealed record AppealSummary(string AppealId, string CaseId, string OrderId, string Initiator, string InitiatorId, string Reason, string? Demands, IReadOnlyList<string> EvidenceIds, DateTimeOffset OpenedAt, string FrozenState, string Status);

/// <summary>The answer to a report or evidence upload.</summary>
public sealed record CaseFileStored(string Id, string FileName, string Sha256, long Size, string ContentType);

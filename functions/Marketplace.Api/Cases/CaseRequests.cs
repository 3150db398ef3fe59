using Marketplace.Core.Common;
using Marketplace.Core.Supervision;

namespace Marketplace.Api.Cases;

public sealed record RequirementRequest(string? Text, List<string>? AttachmentIds);
public sealed record DecisionRequest(string? Decision, string? Reason);
public sealed record LogisticsRequest(string? Carrier, string? TrackingNo, string? RecipientPhone);
public sealed record DeliveryRequest(List<string>? ReportIds, DateTimeOffset? ActualStartTime, LogisticsRequest? Logistics);
public sealed record ProofRequest(List<string>? ReportIds);
public sealed record AppealRequest(string? Reason, string? Demands, List<string>? EvidenceIds);
public sealed record ResolutionRequest(string? Outcome, string? Note);
public sealed record SignOffRequest(DateTimeOffset? SignedAt, string? SignerPhone);
public sealed record ActivationRequest(DateTimeOffset? ActivatedAt);

/// <summary>Wire words → the rules' enums, with a 422 naming the accepted words.</summary>
internal static class Words
{
    public static T Parse<T>(string? word, string field, params (string Word, T Value)[] choices)
    {
        foreach (var (w, v) in choices)
            if (string.Equals(w, word, StringComparison.Ordinal)) return v;
        throw new DomainException(DomainError.Invalid("validation.failed", $"{field} must be {string.Join(" or ", choices.Select(c => $"\"{c.Word}\""))}."));
    }

    public static RequirementDecision Requirement(string? w) => Parse(w, "decision", ("confirm", RequirementDecision.Confirm), ("return", RequirementDecision.Return));
    public static ReviewDecision Review(string? w) => Parse(w, "decision", ("approve", ReviewDecision.Approve), ("reject", ReviewDecision.Reject));
    public static AcceptanceDecision Acceptance(string? w) => Parse(w, "decision", ("accept", AcceptanceDecision.Accept), ("reject", AcceptanceDecision.Reject));
    public static AppealOutcome Outcome(string? w) => Parse(w, "outcome", ("resume", AppealOutcome.Resume), ("complete", AppealOutcome.Complete), ("close", AppealOutcome.Close));
}

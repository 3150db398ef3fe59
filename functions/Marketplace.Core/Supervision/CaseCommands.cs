using Marketplace.Core.Common;

namespace Marketplace.Core.Supervision;

/// <summary>Something an actor asks of a supervision case. Ids come in with the command; time comes in with Decide.</summary>
public abstract record CaseCommand(Actor Actor);

/// <summary>§6.2 #1, §6.5 #1: the platform opens the case of a paid, supervised order.</summary>
public sealed record OpenCase(
    Actor Actor,
    string CaseId,
    string OrderId,
    string ProductId,
    string BuyerId,
    string SellerId,
    FlowVariant Flow,
    Scenario Scenario,
    string? OrderPhone,
    DateTimeOffset OrderedAt) : CaseCommand(Actor);

/// <summary>§6.2 #2: the buyer submits the requirement.</summary>
public sealed record SubmitRequirement(Actor Actor, string Text, IReadOnlyList<string>? AttachmentIds = null) : CaseCommand(Actor);

public enum RequirementDecision
{
    Confirm,
    Return,
}

/// <summary>§6.2 #3–#4: the seller confirms the requirement or returns it to the buyer (with a reason).</summary>
public sealed record DecideRequirement(Actor Actor, RequirementDecision Decision, string? Reason = null) : CaseCommand(Actor);

/// <summary>
/// The seller uploaded an acceptance report (the bytes are already stored). A re-upload of the same file name
/// replaces the reference unless a delivery locked it.
/// </summary>
public sealed record RecordReportUploaded(
    Actor Actor,
    string ReportId,
    string FileName,
    string ContentType,
    long Size,
    string Sha256) : CaseCommand(Actor);

/// <summary>A party uploaded appeal evidence (the bytes are already stored).</summary>
public sealed record RecordEvidenceUploaded(
    Actor Actor,
    string EvidenceId,
    string FileName,
    string ContentType,
    long Size,
    string Sha256) : CaseCommand(Actor);

/// <summary>§6.2 #5, §6.5 #2, §6.2-L2 #1: the seller delivers (reports; hardware: logistics).</summary>
public sealed record SubmitDelivery(
    Actor Actor,
    IReadOnlyList<string>? ReportIds,
    DateTimeOffset? ActualStartTime = null,
    Logistics? Logistics = null) : CaseCommand(Actor);

public enum ReviewDecision
{
    Approve,
    Reject,
}

/// <summary>§6.2 #6–#7: the platform reviewer approves or rejects (with a reason) the acceptance report.</summary>
public sealed record Review(Actor Actor, ReviewDecision Decision, string? Reason = null) : CaseCommand(Actor);

public enum AcceptanceDecision
{
    Accept,
    Reject,
}

/// <summary>§6.2 #8–#9, §6.5 #3/#5, §6.2-L2 #2: the buyer accepts or rejects (with a reason).</summary>
public sealed record DecideAcceptance(Actor Actor, AcceptanceDecision Decision, string? Reason = null) : CaseCommand(Actor);

/// <summary>§6.2-D: the package deployment finished (the platform, or the seller deploying by hand).</summary>
public sealed record CompleteDeployment(Actor Actor) : CaseCommand(Actor);

/// <summary>§6.2-L2 #3: the platform saw the license code activated.</summary>
public sealed record ActivateLicense(Actor Actor, DateTimeOffset ActivatedAt) : CaseCommand(Actor);

/// <summary>§6.2-L2 #4: the seller uploads the delivery proof (uploaded reports).</summary>
public sealed record UploadProof(Actor Actor, IReadOnlyList<string>? ReportIds) : CaseCommand(Actor);

/// <summary>§6.5 #4: courier tracking reports the hardware signed for (the platform, or ops by hand).</summary>
public sealed record RecordCourierSignOff(Actor Actor, DateTimeOffset SignedAt, string? SignerPhone = null) : CaseCommand(Actor);

/// <summary>§6.2 #10, §13: the buyer or the seller appeals; the case freezes.</summary>
public sealed record OpenAppeal(
    Actor Actor,
    string AppealId,
    string Reason,
    string? Demands = null,
    IReadOnlyList<string>? EvidenceIds = null) : CaseCommand(Actor);

/// <summary>§6.2 #11: the operations manager resolves the open appeal.</summary>
public sealed record ResolveAppeal(Actor Actor, string AppealId, AppealOutcome Outcome, string Note) : CaseCommand(Actor);

/// <summary>The platform: the order confirmed it follows the ended case (seed 003: within 3 hours).</summary>
public sealed record ConfirmOrderSync(Actor Actor) : CaseCommand(Actor);

using Marketplace.Core.Common;

namespace Marketplace.Core.Supervision;

/// <summary>
/// Something that happened to a supervision case, at <see cref="At"/>. Events carry everything
/// <see cref="SupervisionRules.Apply"/> needs, including the state a rule chose, so replaying old events gives
/// the same snapshot even if the rules change later.
/// </summary>
public abstract record CaseEvent(DateTimeOffset At) : IDomainEvent
{
    public abstract string Action { get; }

    public virtual string? Reason => null;
}

public sealed record CaseOpened(
    DateTimeOffset At,
    string CaseId,
    string OrderId,
    string ProductId,
    string BuyerId,
    string SellerId,
    FlowVariant Flow,
    Scenario Scenario,
    string? OrderPhone,
    DateTimeOffset OrderedAt,
    CaseState InitialState) : CaseEvent(At)
{
    public override string Action => CaseActions.Opened;
}

public sealed record RequirementSubmitted(DateTimeOffset At, string Text, IReadOnlyList<string> AttachmentIds, CaseState To) : CaseEvent(At)
{
    public override string Action => CaseActions.RequirementSubmitted;
}

public sealed record RequirementConfirmed(DateTimeOffset At) : CaseEvent(At)
{
    public override string Action => CaseActions.RequirementConfirmed;
}

public sealed record RequirementReturned(DateTimeOffset At, string ReturnReason) : CaseEvent(At)
{
    public override string Action => CaseActions.RequirementReturned;
    public override string? Reason => ReturnReason;
}

/// <summary>A party's appeal evidence was recorded; the timeline keeps its sha256.</summary>
public sealed record EvidenceUploaded(DateTimeOffset At, EvidenceRef Evidence) : CaseEvent(At)
{
    public override string Action => CaseActions.EvidenceUploaded;
    public override string? Reason => $"{Evidence.FileName} sha256={Evidence.Sha256}";
}

/// <summary>A report reference was recorded; <see cref="ReplacesReportId"/> is the unlocked report of the same name it replaced.</summary>
public sealed record ReportUploaded(
    DateTimeOffset At,
    string ReportId,
    string FileName,
    string ContentType,
    long Size,
    string Sha256,
    string? ReplacesReportId) : CaseEvent(At)
{
    public override string Action => CaseActions.ReportUploaded;
    public override string? Reason => $"{FileName} sha256={Sha256}";
}

public sealed record DeliverySubmitted(
    DateTimeOffset At,
    IReadOnlyList<string> ReportIds,
    DateTimeOffset? ActualStartTime,
    Logistics? Logistics,
    CaseState To) : CaseEvent(At)
{
    public override string Action => CaseActions.DeliverySubmitted;
}

public sealed record ReviewApproved(DateTimeOffset At, string? Comment) : CaseEvent(At)
{
    public override string Action => CaseActions.ReviewApproved;
    public override string? Reason => Comment;
}

public sealed record ReviewRejected(DateTimeOffset At, string RejectionReason, CaseState To) : CaseEvent(At)
{
    public override string Action => CaseActions.ReviewRejected;
    public override string? Reason => RejectionReason;
}

public sealed record AcceptanceAccepted(DateTimeOffset At) : CaseEvent(At)
{
    public override string Action => CaseActions.AcceptanceAccepted;
}

public sealed record AcceptanceRejected(DateTimeOffset At, string RejectionReason, CaseState To) : CaseEvent(At)
{
    public override string Action => CaseActions.AcceptanceRejected;
    public override string? Reason => RejectionReason;
}

/// <summary>§6.2-L2 #2: the buyer received the license code.</summary>
public sealed record LicenseCodeReceived(DateTimeOffset At) : CaseEvent(At)
{
    public override string Action => CaseActions.LicenseReceived;
}

public sealed record LicenseActivated(DateTimeOffset At, DateTimeOffset ActivatedAt) : CaseEvent(At)
{
    public override string Action => CaseActions.LicenseActivated;
}

/// <summary>§6.2-L2 #4. <see cref="To"/> is PlatformReview when reviewed, null when the case completes by itself.</summary>
public sealed record ProofUploaded(DateTimeOffset At, IReadOnlyList<string> ReportIds, CaseState? To) : CaseEvent(At)
{
    public override string Action => CaseActions.ProofUploaded;
}

public sealed record DeploymentCompleted(DateTimeOffset At) : CaseEvent(At)
{
    public override string Action => CaseActions.DeploymentCompleted;
}

public sealed record CourierSignedOff(DateTimeOffset At, DateTimeOffset SignedOffAt, string? SignerPhone) : CaseEvent(At)
{
    public override string Action => CaseActions.CourierSignedOff;
}

/// <summary>The platform accepted on the buyer's behalf; <see cref="Rule"/> says why (<c>hardware-sign-off</c>, <c>license-proof</c>).</summary>
public sealed record AcceptanceAutoAccepted(DateTimeOffset At, string Rule) : CaseEvent(At)
{
    public const string HardwareSignOff = "hardware-sign-off";
    public const string LicenseProof = "license-proof";

    public override string Action => CaseActions.AcceptanceAutoAccepted;
    public override string? Reason => Rule;
}

/// <summary>The stall window of <see cref="State"/>, entered at <see cref="EnteredAt"/>, has elapsed (the other side may appeal).</summary>
public sealed record StallWindowElapsed(DateTimeOffset At, CaseState State, string Side, DateTimeOffset EnteredAt) : CaseEvent(At)
{
    public override string Action => CaseActions.StallWindowElapsed;
}

public sealed record AppealOpened(
    DateTimeOffset At,
    string AppealId,
    string InitiatorId,
    Role Initiator,
    string AppealReason,
    string? Demands,
    IReadOnlyList<string> EvidenceIds,
    string Rule) : CaseEvent(At)
{
    public override string Action => CaseActions.AppealOpened;
    public override string? Reason => AppealReason;
}

public sealed record AppealResolved(DateTimeOffset At, string AppealId, AppealOutcome Outcome, string Note, string ResolvedBy) : CaseEvent(At)
{
    public override string Action => CaseActions.AppealResolved;
    public override string? Reason => Note;
}

public sealed record CaseCompleted(DateTimeOffset At) : CaseEvent(At)
{
    public override string Action => CaseActions.Completed;
}

public sealed record CaseClosed(DateTimeOffset At, string? CloseReason) : CaseEvent(At)
{
    public override string Action => CaseActions.Closed;
    public override string? Reason => CloseReason;
}

/// <summary>Seed 003: the order had not confirmed the end of the case; the platform tells it again.</summary>
public sealed record OrderSyncResent(DateTimeOffset At) : CaseEvent(At)
{
    public override string Action => CaseActions.OrderSyncResent;
}

/// <summary>Seed 003: the order now follows the ended case (completed or closed).</summary>
public sealed record OrderSynced(DateTimeOffset At) : CaseEvent(At)
{
    public override string Action => CaseActions.OrderSynced;
}

using Marketplace.Core.Common;

namespace Marketplace.Core.Supervision;

/// <summary>The buyer's requirement (seed 000: text plus an optional SOW or template attachment).</summary>
public sealed record Requirement(string Text, IReadOnlyList<string> AttachmentIds, DateTimeOffset SubmittedAt);

/// <summary>
/// An uploaded acceptance report (the bytes live in Blob storage; the case keeps the reference).
/// <see cref="Locked"/> is true once a delivery or a proof referenced it: it can no longer be replaced.
/// </summary>
public sealed record ReportRef(
    string ReportId,
    string FileName,
    string ContentType,
    long Size,
    string Sha256,
    DateTimeOffset UploadedAt,
    bool Locked = false);

/// <summary>An appeal evidence file uploaded by a party (the bytes live in Blob storage).</summary>
public sealed record EvidenceRef(
    string EvidenceId,
    string FileName,
    string ContentType,
    long Size,
    string Sha256,
    string UploadedBy,
    Role UploadedByRole,
    DateTimeOffset UploadedAt);

/// <summary>The shipment of a hardware delivery (seed 004), plus the courier's sign-off once recorded (§6.5 #4).</summary>
public sealed record Logistics(
    string Carrier,
    string TrackingNo,
    string? RecipientPhone = null,
    DateTimeOffset? SignedOffAt = null,
    string? SignerPhone = null);

/// <summary>What a delivery-like step handed over.</summary>
public enum DeliveryKind
{
    /// <summary>§6.2 #5, §6.5 #2, §6.2-L2 #1: the seller's delivery.</summary>
    Delivery,

    /// <summary>§6.2-L2 #4: the seller's delivery proof after the license activation.</summary>
    LicenseProof,

    /// <summary>§6.2-D: the package deployment finished.</summary>
    Deployment,
}

/// <summary>One delivery, proof or deployment, in the order they happened.</summary>
public sealed record DeliveryRecord(
    DeliveryKind Kind,
    DateTimeOffset DeliveredAt,
    IReadOnlyList<string> ReportIds,
    DateTimeOffset? ActualStartTime = null,
    Logistics? Logistics = null);

public enum AppealStatus
{
    Open,
    Resolved,
}

/// <summary>How the operations manager resolves an appeal (§6.2 #11, seed 000, seed 001).</summary>
public enum AppealOutcome
{
    /// <summary>Back to the state the appeal froze; its stall window starts again.</summary>
    Resume,

    /// <summary>Close the order by hand and settle: the case completes.</summary>
    Complete,

    /// <summary>Close the case without completion (unsubscribe / order closed).</summary>
    Close,
}

/// <summary>The current or last appeal of a case (domain §5.4, §13).</summary>
public sealed record Appeal(
    string AppealId,
    string InitiatorId,
    Role Initiator,
    string Reason,
    string? Demands,
    IReadOnlyList<string> EvidenceIds,
    DateTimeOffset OpenedAt,
    CaseState FrozenState,
    string Rule,
    AppealStatus Status = AppealStatus.Open,
    AppealOutcome? Outcome = null,
    string? Note = null,
    DateTimeOffset? ResolvedAt = null,
    string? ResolvedBy = null);

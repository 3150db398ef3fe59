namespace Marketplace.Core.Supervision;

/// <summary>The stable action names of the case timeline (<see cref="Common.IDomainEvent.Action"/>).</summary>
public static class CaseActions
{
    public const string Opened = "case.opened";
    public const string RequirementSubmitted = "requirement.submitted";
    public const string RequirementConfirmed = "requirement.confirmed";
    public const string RequirementReturned = "requirement.returned";
    public const string ReportUploaded = "report.uploaded";
    public const string EvidenceUploaded = "evidence.uploaded";
    public const string DeliverySubmitted = "delivery.submitted";
    public const string ReviewApproved = "review.approved";
    public const string ReviewRejected = "review.rejected";
    public const string AcceptanceAccepted = "acceptance.accepted";
    public const string AcceptanceRejected = "acceptance.rejected";
    public const string LicenseReceived = "license.received";
    public const string LicenseActivated = "license.activated";
    public const string ProofUploaded = "proof.uploaded";
    public const string DeploymentCompleted = "deployment.completed";
    public const string CourierSignedOff = "courier.signed-off";
    public const string AcceptanceAutoAccepted = "acceptance.auto-accepted";
    public const string StallWindowElapsed = "stall.window-elapsed";
    public const string AppealOpened = "appeal.opened";
    public const string AppealResolved = "appeal.resolved";
    public const string Completed = "case.completed";
    public const string Closed = "case.closed";
    public const string OrderSyncResent = "order.sync-resent";
    public const string OrderSynced = "order.synced";
}

using Marketplace.Core.Common;
using Marketplace.Core.Supervision;
using static Marketplace.Core.Tests.Supervision.CaseBuilder;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>§6.2-L2: License 2.0 (online license code), one test per row.</summary>
public sealed class License2FlowTests
{
    [Fact(DisplayName = "§6.2-L2 #1 (P44): the seller delivers (the platform issues the code) → AwaitingUserAcceptance, no report needed")]
    public void Row1_deliver_the_code()
    {
        var b = Open(FlowVariant.License2);
        Assert.Equal(CaseState.SellerImplementing, b.State.State);

        b.Deliver();
        Expect.Actions(b.LastEvents, CaseActions.DeliverySubmitted);
        Assert.Equal(CaseState.AwaitingUserAcceptance, b.State.State);
    }

    [Fact(DisplayName = "§6.2-L2 #1: even in enablementCloud the code delivery is not reviewed (the proof is)")]
    public void Row1_deliver_is_not_reviewed() =>
        Assert.Equal(CaseState.AwaitingUserAcceptance, Open(FlowVariant.License2, Scenario.EnablementCloud).Deliver().State.State);

    [Fact(DisplayName = "§6.2-L2 #2 (P44): the buyer confirms receipt of the code → LicenseActivation")]
    public void Row2_receive_the_code()
    {
        var b = Open(FlowVariant.License2).Deliver().Accept();
        Expect.Actions(b.LastEvents, CaseActions.LicenseReceived);
        Assert.Equal(CaseState.LicenseActivation, b.State.State);
        Assert.Null(b.State.AcceptedAt);
    }

    [Fact(DisplayName = "§6.2-L2 #3 (seed 002): the system sees the activation → SellerUploadProof; actual start = activation time")]
    public void Row3_activation()
    {
        var b = Open(FlowVariant.License2).Deliver(actualStartTime: OrderedAt.AddMinutes(1)).Accept().WaitDays(1);
        var activatedAt = b.Now.AddHours(-2);
        b.Activate(activatedAt);

        Expect.Actions(b.LastEvents, CaseActions.LicenseActivated);
        Assert.Equal(CaseState.SellerUploadProof, b.State.State);
        Assert.Equal(activatedAt, b.State.LicenseActivatedAt);
        Assert.Equal(activatedAt, b.State.ActualStartTime);
    }

    [Fact(DisplayName = "§6.2-L2 #3: only the platform records the activation (403); not before receipt (409)")]
    public void Row3_activation_guards()
    {
        var b = Open(FlowVariant.License2).Deliver();
        Expect.InvalidTransition(b.Try(new ActivateLicense(Platform, b.Now)), CaseState.AwaitingUserAcceptance);
        b.Accept();
        Expect.Forbidden(b.Try(new ActivateLicense(Seller, b.Now)));
        Expect.Validation(b.Try(new ActivateLicense(Platform, b.Now.AddHours(1))));
    }

    [Fact(DisplayName = "§6.2-L2 #2–#3 (P39 real_effect_time): the receipt is recorded; an activation before the order is refused (422)")]
    public void Row3_activation_not_before_the_order()
    {
        var b = Open(FlowVariant.License2).Deliver().Accept();
        Assert.Equal(b.Now, b.State.LicenseReceivedAt);
        Expect.Validation(b.Try(new ActivateLicense(Platform, OrderedAt.AddSeconds(-1))));
        b.Activate(OrderedAt);
        Assert.Equal(OrderedAt, b.State.ActualStartTime);
    }

    [Fact(DisplayName = "§6.2-L2 #4 (seed 002): a standard order completes automatically on the proof")]
    public void Row4_proof_completes_standard_orders()
    {
        var b = Open(FlowVariant.License2).Deliver().Accept().Activate().WaitDays(1).Proof();

        Expect.Actions(b.LastEvents, CaseActions.ProofUploaded, CaseActions.AcceptanceAutoAccepted, CaseActions.Completed);
        Assert.Equal(CaseState.Completed, b.State.State);
        Assert.Equal(b.Now, b.State.AcceptedAt);
        Assert.Equal(b.Now, b.State.CompletedAt);
        Assert.Equal(b.State.LicenseActivatedAt, b.State.ActualStartTime);
        Assert.All(b.State.Reports, r => Assert.True(r.Locked));
        Assert.Equal(DeliveryKind.LicenseProof, b.State.Deliveries[^1].Kind);
    }

    [Theory(DisplayName = "§6.2-L2 #4 (seed 001, P50): enablementCloud/baseCloud: proof → PlatformReview → AwaitingUserAcceptance → Completed")]
    [InlineData(Scenario.EnablementCloud)]
    [InlineData(Scenario.BaseCloud)]
    public void Row4_proof_is_reviewed_for_federated_orders(Scenario scenario)
    {
        var b = Open(FlowVariant.License2, scenario).Deliver().Accept().Activate().Proof();
        Expect.Actions(b.LastEvents, CaseActions.ProofUploaded);
        Assert.Equal(CaseState.PlatformReview, b.State.State);

        b.Approve();
        Assert.Equal(CaseState.AwaitingUserAcceptance, b.State.State);
        b.Accept();
        Assert.Equal(CaseState.Completed, b.State.State);
        Assert.Equal(b.State.LicenseActivatedAt, b.State.ActualStartTime);
    }

    [Fact(DisplayName = "§6.2-L2 #4: the proof needs an uploaded report (422)")]
    public void Row4_proof_needs_a_report()
    {
        var b = Open(FlowVariant.License2).Deliver().Accept().Activate();
        Expect.Rejected(b.Try(new UploadProof(Seller, [])), ErrorKind.Invalid, CaseErrors.DeliveryReportRequired);
        Expect.Rejected(b.Try(new UploadProof(Seller, ["nope"])), ErrorKind.Invalid, CaseErrors.DeliveryUnknownReport);
    }

    [Fact(DisplayName = "§6.2-L2 + decisions §16 #13: a review rejection of the proof returns to SellerUploadProof")]
    public void Review_rejection_of_the_proof()
    {
        var b = Open(FlowVariant.License2, Scenario.EnablementCloud).Deliver().Accept().Activate().Proof().RejectReview();
        Assert.Equal(CaseState.SellerUploadProof, b.State.State);
        b.Proof();
        Assert.Equal(CaseState.PlatformReview, b.State.State);
    }

    [Fact(DisplayName = "§6.2-L2 + §6.2 #9: a buyer rejection after the reviewed proof returns to SellerUploadProof and counts")]
    public void Buyer_rejection_after_the_proof()
    {
        var b = Open(FlowVariant.License2, Scenario.BaseCloud).Deliver().Accept().Activate().Proof().Approve().Reject();
        Assert.Equal(CaseState.SellerUploadProof, b.State.State);
        Assert.Equal(1, b.State.RejectionCount);
    }

    [Fact(DisplayName = "§6.2-L2 + §6.2 #9: rejecting the code itself returns to SellerImplementing and counts")]
    public void Buyer_rejection_of_the_code()
    {
        var b = Open(FlowVariant.License2).Deliver().Reject("The code is for the wrong edition");
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
        Assert.Equal(1, b.State.RejectionCount);
    }

    [Fact(DisplayName = "§6.10: a License 2.0 delivery's actual start time is ignored (the activation time counts)")]
    public void Delivery_start_time_is_ignored()
    {
        var b = Open(FlowVariant.License2).Wait(TimeSpan.FromDays(1)).Deliver(actualStartTime: OrderedAt.AddHours(1));
        Assert.Null(b.State.ActualStartTime);
    }
}

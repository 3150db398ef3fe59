using Marketplace.Core.Supervision;
using static Marketplace.Core.Tests.Supervision.CaseBuilder;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>§6.2-D: License package deployment.</summary>
public sealed class LicensePackageFlowTests
{
    [Fact(DisplayName = "§6.2-D (seed 001): Deploying (SellerImplementing) → deployment complete → AwaitingUserAcceptance → Completed")]
    public void Deployment_then_acceptance()
    {
        var b = Open(FlowVariant.LicensePackage);
        Assert.Equal(CaseState.SellerImplementing, b.State.State);

        b.Wait(TimeSpan.FromHours(1)).Do(new CompleteDeployment(Platform));
        Expect.Actions(b.LastEvents, CaseActions.DeploymentCompleted);
        Assert.Equal(CaseState.AwaitingUserAcceptance, b.State.State);
        Assert.Equal(DeliveryKind.Deployment, Assert.Single(b.State.Deliveries).Kind);

        b.Accept();
        Assert.Equal(CaseState.Completed, b.State.State);
        Assert.Equal(b.State.AcceptedAt, b.State.ActualStartTime); // §6.10: no start time given → acceptance time
    }

    [Fact(DisplayName = "§6.2-D: the case's seller may report the deployment complete too")]
    public void Seller_completes_deployment() =>
        Assert.Equal(CaseState.AwaitingUserAcceptance, Open(FlowVariant.LicensePackage).Do(new CompleteDeployment(Seller)).State.State);

    [Fact(DisplayName = "§6.2-D: the buyer cannot complete the deployment (403), another seller neither")]
    public void Deployment_by_the_wrong_party()
    {
        var b = Open(FlowVariant.LicensePackage);
        Expect.Forbidden(b.Try(new CompleteDeployment(Buyer)));
        Expect.Forbidden(b.Try(new CompleteDeployment(OtherSeller)));
    }

    [Fact(DisplayName = "§6.2-D: a package deployment takes no report delivery (409)")]
    public void No_delivery_in_a_deployment() =>
        Expect.InvalidTransition(Open(FlowVariant.LicensePackage).Try(new SubmitDelivery(Seller, ["r"])), CaseState.SellerImplementing);

    [Fact(DisplayName = "§6.2-D: other flows have no deployment step (409, state named)")]
    public void No_deployment_in_other_flows()
    {
        var error = Expect.InvalidTransition(Open(FlowVariant.AppOrchestration).Try(new CompleteDeployment(Platform)), CaseState.SellerImplementing);
        Assert.Contains("AppOrchestration", error.Detail, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "§6.2-D + §6.2 #9: a rejection goes back to deploying and counts")]
    public void Rejection_goes_back_to_deploying()
    {
        var b = Open(FlowVariant.LicensePackage).Do(new CompleteDeployment(Platform)).Reject();
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
        Assert.Equal(1, b.State.RejectionCount);
    }
}

using Marketplace.Core.Supervision;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>§6.1: which products are supervised and which flow applies.</summary>
public sealed class FlowVariantTests
{
    [Theory(DisplayName = "§6.1: a supervised delivery type maps to its flow")]
    [InlineData("manualService", FlowVariant.Standard)]
    [InlineData("dataFile", FlowVariant.DataFile)]
    [InlineData("saasOffline", FlowVariant.OfflineSaas)]
    [InlineData("license", FlowVariant.OfflineLicense)]
    [InlineData("appOrchestration", FlowVariant.AppOrchestration)]
    [InlineData("licensePackage", FlowVariant.LicensePackage)]
    [InlineData("licenseCode", FlowVariant.License2)]
    [InlineData("hardware", FlowVariant.Hardware)]
    public void Supervised_delivery_types_map_to_their_flow(string deliveryType, FlowVariant expected)
    {
        Assert.Equal(expected, FlowVariants.FromDeliveryType(deliveryType));
        Assert.Equal(expected, FlowVariants.ForOrder(deliveryType, isRenewal: false));
    }

    [Theory(DisplayName = "§6.1 (P57): instant SaaS and other types are not supervised")]
    [InlineData("saas")]
    [InlineData("image")]
    [InlineData("api")]
    [InlineData("")]
    [InlineData(null)]
    public void Unsupervised_delivery_types_give_no_flow(string? deliveryType) =>
        Assert.Null(FlowVariants.FromDeliveryType(deliveryType));

    [Theory(DisplayName = "§6.1: renewal orders are not supervised")]
    [InlineData("manualService")]
    [InlineData("hardware")]
    [InlineData("licenseCode")]
    public void Renewal_orders_are_not_supervised(string deliveryType) =>
        Assert.Null(FlowVariants.ForOrder(deliveryType, isRenewal: true));

    [Theory(DisplayName = "§6.2 #1: the standard kinds start at the requirement, the others at SellerImplementing")]
    [InlineData(FlowVariant.Standard, CaseState.AwaitingRequirement)]
    [InlineData(FlowVariant.DataFile, CaseState.AwaitingRequirement)]
    [InlineData(FlowVariant.OfflineSaas, CaseState.AwaitingRequirement)]
    [InlineData(FlowVariant.OfflineLicense, CaseState.SellerImplementing)]
    [InlineData(FlowVariant.AppOrchestration, CaseState.SellerImplementing)]
    [InlineData(FlowVariant.Hardware, CaseState.SellerImplementing)]
    [InlineData(FlowVariant.License2, CaseState.SellerImplementing)]
    [InlineData(FlowVariant.LicensePackage, CaseState.SellerImplementing)]
    public void Initial_state_per_flow(FlowVariant flow, CaseState expected) =>
        Assert.Equal(expected, FlowVariants.InitialState(flow));

    [Fact(DisplayName = "§6.2 #2 (P47): the requirement confirmation exists for orders from 2025-03-26 (Beijing)")]
    public void Requirement_confirmation_cut_over()
    {
        var beijing = TimeSpan.FromHours(8);
        Assert.False(FlowVariants.HasRequirementConfirmation(new DateTimeOffset(2025, 3, 25, 23, 59, 59, beijing)));
        Assert.True(FlowVariants.HasRequirementConfirmation(new DateTimeOffset(2025, 3, 26, 0, 0, 0, beijing)));
        Assert.True(FlowVariants.HasRequirementConfirmation(new DateTimeOffset(2025, 3, 25, 16, 0, 0, TimeSpan.Zero)));
    }

    [Theory(DisplayName = "Scenario wire names; platform review for enablementCloud and baseCloud only")]
    [InlineData("standard", Scenario.Standard, false)]
    [InlineData("enablementCloud", Scenario.EnablementCloud, true)]
    [InlineData("baseCloud", Scenario.BaseCloud, true)]
    public void Scenario_wire_names(string wire, Scenario scenario, bool reviewed)
    {
        Assert.Equal(scenario, Scenarios.Parse(wire));
        Assert.Equal(wire, scenario.ToWire());
        Assert.Equal(reviewed, scenario.NeedsPlatformReview());
    }

    [Fact(DisplayName = "Scenario: missing means standard, unknown is refused")]
    public void Scenario_parse_edges()
    {
        Assert.Equal(Scenario.Standard, Scenarios.Parse(null));
        Assert.Equal(Scenario.Standard, Scenarios.Parse(""));
        Assert.Null(Scenarios.Parse("goldCloud"));
    }

    [Theory(DisplayName = "Each state has a side: buyer, seller, platform, or none when terminal")]
    [InlineData(CaseState.AwaitingRequirement, "buyer")]
    [InlineData(CaseState.AwaitingRequirementConfirmation, "seller")]
    [InlineData(CaseState.SellerImplementing, "seller")]
    [InlineData(CaseState.PlatformReview, "platform")]
    [InlineData(CaseState.AwaitingUserAcceptance, "buyer")]
    [InlineData(CaseState.LicenseActivation, "seller")]
    [InlineData(CaseState.SellerUploadProof, "seller")]
    [InlineData(CaseState.Completed, "none")]
    [InlineData(CaseState.Closed, "none")]
    public void Side_of_each_state(CaseState state, string side)
    {
        Assert.Equal(side, SupervisionRules.SideOf(state));
        Assert.Equal(side, state.Side());
    }

    [Fact(DisplayName = "Options: the defaults of the Supervision section")]
    public void Option_defaults()
    {
        var options = new SupervisionOptions();
        Assert.Equal("Supervision", SupervisionOptions.SectionName);
        Assert.Equal(TimeSpan.FromDays(5), options.StallWindow);
        Assert.Equal(AppealPolicy.Conditional, options.AppealPolicy);
        Assert.Equal(3, options.RejectionsBeforeAppeal);
        Assert.Equal(TimeSpan.FromDays(10), options.HardwareAutoAcceptAfterSignOff);
        Assert.Equal(TimeSpan.FromHours(3), options.CompletionSyncWithin);
        Assert.Empty(options.Validate());
    }

    [Fact(DisplayName = "Options: unusable values are reported")]
    public void Option_validation()
    {
        var options = new SupervisionOptions { StallWindow = TimeSpan.Zero, RejectionsBeforeAppeal = -1, HardwareAutoAcceptAfterSignOff = TimeSpan.FromDays(-1) };
        Assert.Equal(3, options.Validate().Count);
    }
}

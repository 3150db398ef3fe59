using Marketplace.Core.Common;
using Marketplace.Core.Supervision;
using static Marketplace.Core.Tests.Supervision.CaseBuilder;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>Wrong party (403), wrong state (409 naming the state), frozen case (409 case.frozen).</summary>
public sealed class GuardTests
{
    /// <summary>A case brought to a state in which <see cref="Command"/> is valid for the right actor.</summary>
    private sealed record Situation(FlowVariant Flow, Scenario Scenario, Action<CaseBuilder> Setup, Func<CaseBuilder, CaseCommand> Command)
    {
        public CaseBuilder Build(SupervisionOptions? options = null)
        {
            var b = Open(Flow, Scenario, options: options);
            Setup(b);
            return b;
        }
    }

    private static readonly Dictionary<string, Situation> PartyCommands = new()
    {
        ["buyer submits the requirement"] = new(FlowVariant.Standard, Scenario.Standard, _ => { },
            _ => new SubmitRequirement(Buyer, "text")),
        ["seller confirms the requirement"] = new(FlowVariant.Standard, Scenario.Standard, b => b.SubmitRequirement(),
            _ => new DecideRequirement(Seller, RequirementDecision.Confirm)),
        ["seller returns the requirement"] = new(FlowVariant.Standard, Scenario.Standard, b => b.SubmitRequirement(),
            _ => new DecideRequirement(Seller, RequirementDecision.Return, "unclear")),
        ["seller uploads a report"] = new(FlowVariant.Standard, Scenario.Standard, b => b.ToSellerImplementing(),
            _ => new RecordReportUploaded(Seller, "report-x", "x.pdf", "application/pdf", 10, Sha(7))),
        ["seller submits a delivery"] = new(FlowVariant.Standard, Scenario.Standard, b => b.ToSellerImplementing().Upload(),
            b => new SubmitDelivery(Seller, [b.State.Reports[0].ReportId])),
        ["reviewer approves"] = new(FlowVariant.Standard, Scenario.EnablementCloud, b => b.ToSellerImplementing().Deliver(),
            _ => new Review(Reviewer, ReviewDecision.Approve)),
        ["reviewer rejects"] = new(FlowVariant.Standard, Scenario.BaseCloud, b => b.ToSellerImplementing().Deliver(),
            _ => new Review(Reviewer, ReviewDecision.Reject, "unsigned")),
        ["buyer accepts"] = new(FlowVariant.Standard, Scenario.Standard, b => b.ToAcceptance(),
            _ => new DecideAcceptance(Buyer, AcceptanceDecision.Accept)),
        ["buyer rejects"] = new(FlowVariant.Standard, Scenario.Standard, b => b.ToAcceptance(),
            _ => new DecideAcceptance(Buyer, AcceptanceDecision.Reject, "incomplete")),
        ["seller completes the deployment"] = new(FlowVariant.LicensePackage, Scenario.Standard, _ => { },
            _ => new CompleteDeployment(Seller)),
        ["platform completes the deployment"] = new(FlowVariant.LicensePackage, Scenario.Standard, _ => { },
            _ => new CompleteDeployment(Platform)),
        ["platform records the activation"] = new(FlowVariant.License2, Scenario.Standard, b => b.Deliver().Accept(),
            b => new ActivateLicense(Platform, b.Now)),
        ["seller uploads the proof"] = new(FlowVariant.License2, Scenario.Standard, b => b.Deliver().Accept().Activate().Upload(),
            b => new UploadProof(Seller, [b.State.Reports[0].ReportId])),
        ["seller delivers hardware"] = new(FlowVariant.Hardware, Scenario.Standard, _ => { },
            _ => new SubmitDelivery(Seller, [], null, Shipment())),
    };

    public static TheoryData<string> PartyCommandNames() => [.. PartyCommands.Keys];

    [Theory(DisplayName = "Seed 000: every party command on a frozen case is 409 case.frozen (uploads included)")]
    [MemberData(nameof(PartyCommandNames))]
    public void Frozen_case_refuses_every_party_command(string name)
    {
        var situation = PartyCommands[name];
        var b = situation.Build(new SupervisionOptions { AppealPolicy = AppealPolicy.AnyTime });
        var command = situation.Command(b);
        Assert.False(b.Try(command).IsRejected, "valid before the freeze");

        var state = b.State.State;
        b.Appeal(Buyer);
        var error = Expect.Frozen(b.Try(command), state);
        Assert.Contains("appeal-1", error.Detail, StringComparison.Ordinal);

        b.Resolve(AppealOutcome.Resume);
        Assert.False(b.Try(situation.Command(b)).IsRejected, "valid again after the resolution");
    }

    [Fact(DisplayName = "Seed 000: a frozen case refuses even a command that is wrong for its state with case.frozen")]
    public void Frozen_takes_precedence_over_the_state()
    {
        var b = Open().ToSellerImplementing().WaitDays(6).Appeal(Buyer);
        Expect.Frozen(b.Try(new DecideAcceptance(Buyer, AcceptanceDecision.Accept)), CaseState.SellerImplementing);
        Expect.Frozen(b.Try(new SubmitRequirement(Buyer, "more")), CaseState.SellerImplementing);
    }

    private static readonly Dictionary<string, (Situation Situation, Func<CaseBuilder, CaseCommand> Wrong)> WrongParties = new()
    {
        ["seller submits the requirement"] = (PartyCommands["buyer submits the requirement"], _ => new SubmitRequirement(Seller, "text")),
        ["another buyer submits the requirement"] = (PartyCommands["buyer submits the requirement"], _ => new SubmitRequirement(OtherBuyer, "text")),
        ["buyer confirms the requirement"] = (PartyCommands["seller confirms the requirement"], _ => new DecideRequirement(Buyer, RequirementDecision.Confirm)),
        ["another seller confirms the requirement"] = (PartyCommands["seller confirms the requirement"], _ => new DecideRequirement(OtherSeller, RequirementDecision.Confirm)),
        ["buyer uploads a report"] = (PartyCommands["seller uploads a report"], _ => new RecordReportUploaded(Buyer, "r", "x.pdf", "application/pdf", 1, Sha(1))),
        ["another seller uploads a report"] = (PartyCommands["seller uploads a report"], _ => new RecordReportUploaded(OtherSeller, "r", "x.pdf", "application/pdf", 1, Sha(1))),
        ["buyer submits a delivery"] = (PartyCommands["seller submits a delivery"], b => new SubmitDelivery(Buyer, [b.State.Reports[0].ReportId])),
        ["another seller submits a delivery"] = (PartyCommands["seller submits a delivery"], b => new SubmitDelivery(OtherSeller, [b.State.Reports[0].ReportId])),
        ["seller reviews"] = (PartyCommands["reviewer approves"], _ => new Review(Seller, ReviewDecision.Approve)),
        ["buyer reviews"] = (PartyCommands["reviewer approves"], _ => new Review(Buyer, ReviewDecision.Approve)),
        ["ops reviews"] = (PartyCommands["reviewer approves"], _ => new Review(Ops, ReviewDecision.Approve)),
        ["seller accepts"] = (PartyCommands["buyer accepts"], _ => new DecideAcceptance(Seller, AcceptanceDecision.Accept)),
        ["another buyer accepts"] = (PartyCommands["buyer accepts"], _ => new DecideAcceptance(OtherBuyer, AcceptanceDecision.Accept)),
        ["reviewer accepts"] = (PartyCommands["buyer accepts"], _ => new DecideAcceptance(Reviewer, AcceptanceDecision.Accept)),
        ["ops rejects for the buyer"] = (PartyCommands["buyer rejects"], _ => new DecideAcceptance(Ops, AcceptanceDecision.Reject, "r")),
        ["buyer completes the deployment"] = (PartyCommands["seller completes the deployment"], _ => new CompleteDeployment(Buyer)),
        ["seller records the activation"] = (PartyCommands["platform records the activation"], b => new ActivateLicense(Seller, b.Now)),
        ["buyer uploads the proof"] = (PartyCommands["seller uploads the proof"], b => new UploadProof(Buyer, [b.State.Reports[0].ReportId])),
        ["another seller uploads the proof"] = (PartyCommands["seller uploads the proof"], b => new UploadProof(OtherSeller, [b.State.Reports[0].ReportId])),
    };

    public static TheoryData<string> WrongPartyNames() => [.. WrongParties.Keys];

    [Theory(DisplayName = "Wrong party: 403 auth.forbidden, even where the right party may act")]
    [MemberData(nameof(WrongPartyNames))]
    public void Wrong_party_is_forbidden(string name)
    {
        var (situation, wrong) = WrongParties[name];
        var b = situation.Build();
        Assert.False(b.Try(situation.Command(b)).IsRejected, "the right party may act here");
        var error = Expect.Forbidden(b.Try(wrong(b)));
        Assert.Contains(b.State.State.ToString(), error.Detail, StringComparison.Ordinal);
    }

    private static readonly Dictionary<string, (FlowVariant Flow, Action<CaseBuilder> Setup, Func<CaseBuilder, CaseCommand> Command)> WrongStates = new()
    {
        ["requirement while implementing"] = (FlowVariant.Standard, b => b.ToSellerImplementing(), _ => new SubmitRequirement(Buyer, "more")),
        ["requirement in a flow without one"] = (FlowVariant.AppOrchestration, _ => { }, _ => new SubmitRequirement(Buyer, "text")),
        ["requirement decision before the requirement"] = (FlowVariant.Standard, _ => { }, _ => new DecideRequirement(Seller, RequirementDecision.Confirm)),
        ["requirement decision on an old order"] = (FlowVariant.Standard, b => b.SubmitRequirement(), _ => new DecideRequirement(Seller, RequirementDecision.Confirm)),
        ["delivery before the requirement"] = (FlowVariant.Standard, _ => { }, _ => new SubmitDelivery(Seller, ["r"])),
        ["delivery while the buyer decides"] = (FlowVariant.Standard, b => b.ToAcceptance(), b => new SubmitDelivery(Seller, [b.State.Reports[0].ReportId])),
        ["review without a review step"] = (FlowVariant.Standard, b => b.ToAcceptance(), _ => new Review(Reviewer, ReviewDecision.Approve)),
        ["acceptance while implementing"] = (FlowVariant.Standard, b => b.ToSellerImplementing(), _ => new DecideAcceptance(Buyer, AcceptanceDecision.Accept)),
        ["report upload while the buyer decides"] = (FlowVariant.Standard, b => b.ToAcceptance(), _ => new RecordReportUploaded(Seller, "r9", "late.pdf", "application/pdf", 5, Sha(9))),
        ["proof before the activation"] = (FlowVariant.License2, b => b.Deliver().Accept(), _ => new UploadProof(Seller, ["r"])),
        ["activation twice"] = (FlowVariant.License2, b => b.Deliver().Accept().Activate(), b => new ActivateLicense(Platform, b.Now)),
        ["deployment twice"] = (FlowVariant.LicensePackage, b => b.Do(new CompleteDeployment(Platform)), _ => new CompleteDeployment(Platform)),
        ["delivery on a completed case"] = (FlowVariant.Standard, b => b.ToAcceptance().Accept(), b => new SubmitDelivery(Seller, [b.State.Reports[0].ReportId])),
        ["acceptance on a closed case"] = (FlowVariant.Standard, b => b.ToSellerImplementing().WaitDays(6).Appeal(Buyer).Resolve(AppealOutcome.Close), _ => new DecideAcceptance(Buyer, AcceptanceDecision.Accept)),
    };

    public static TheoryData<string> WrongStateNames() => [.. WrongStates.Keys];

    [Theory(DisplayName = "Wrong state: 409 case.invalid-transition, the detail naming the current state")]
    [MemberData(nameof(WrongStateNames))]
    public void Wrong_state_is_an_invalid_transition(string name)
    {
        var (flow, setup, command) = WrongStates[name];
        var orderedAt = name == "requirement decision on an old order" ? new DateTimeOffset(2025, 1, 10, 0, 0, 0, TimeSpan.Zero) : OrderedAt;
        var b = Open(flow, orderedAt: orderedAt);
        setup(b);
        Expect.InvalidTransition(b.Try(command(b)), b.State.State);
    }

    [Fact(DisplayName = "The detail reads 'The case is in SellerImplementing; submitting a requirement is not allowed.'")]
    public void Detail_wording()
    {
        var error = Expect.InvalidTransition(Open().ToSellerImplementing().Try(new SubmitRequirement(Buyer, "more")), CaseState.SellerImplementing);
        Assert.Equal("The case is in SellerImplementing; submitting a requirement is not allowed.", error.Detail);
    }

    [Fact(DisplayName = "Role is checked before state: a seller accepting in the wrong state is still 403")]
    public void Role_before_state() =>
        Expect.Forbidden(Open().ToSellerImplementing().Try(new DecideAcceptance(Seller, AcceptanceDecision.Accept)));
}

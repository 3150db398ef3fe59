using Marketplace.Core.Common;
using Marketplace.Core.Supervision;
using static Marketplace.Core.Tests.Supervision.CaseBuilder;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>§6.2: the standard flow, one test (or Theory row) per table row.</summary>
public sealed class StandardFlowTests
{
    private static readonly SupervisionOptions Defaults = new();

    [Theory(DisplayName = "§6.2 #1: the platform opens the case in the flow's first state, the stall window starting")]
    [InlineData(FlowVariant.Standard, CaseState.AwaitingRequirement)]
    [InlineData(FlowVariant.DataFile, CaseState.AwaitingRequirement)]
    [InlineData(FlowVariant.OfflineSaas, CaseState.AwaitingRequirement)]
    [InlineData(FlowVariant.AppOrchestration, CaseState.SellerImplementing)]
    [InlineData(FlowVariant.OfflineLicense, CaseState.SellerImplementing)]
    [InlineData(FlowVariant.Hardware, CaseState.SellerImplementing)]
    public void Row1_open_case(FlowVariant flow, CaseState expected)
    {
        var now = OrderedAt.AddMinutes(1);
        var decision = SupervisionRules.Decide(null, OpenCommand(flow), now, Defaults);

        Expect.Actions(decision.Events, CaseActions.Opened);
        var state = SupervisionRules.Apply(null, decision.Events[0]);
        Assert.Equal(expected, state.State);
        Assert.Equal(now, state.StateEnteredAt);
        Assert.Equal(now, state.OpenedAt);
        Assert.Equal(flow, state.Flow);
        Assert.Equal(0, state.RejectionCount);
        Assert.False(state.Frozen);
        Assert.Equal(now + TimeSpan.FromDays(5), SupervisionRules.NextDeadline(state, Defaults));
    }

    [Fact(DisplayName = "§6.2 #1: only the platform opens a case (403)")]
    public void Row1_open_case_is_for_the_platform()
    {
        var command = OpenCommand(FlowVariant.Standard) with { Actor = Buyer };
        Expect.Forbidden(SupervisionRules.Decide(null, command, OrderedAt, Defaults));
    }

    [Fact(DisplayName = "§6.2 #1: opening the same order again is a no-op; another order on the id is 409")]
    public void Row1_open_case_is_idempotent()
    {
        var b = Open();
        Assert.Empty(b.Try(OpenCommand(FlowVariant.Standard)).Events);
        Assert.False(b.Try(OpenCommand(FlowVariant.Standard)).IsRejected);
        Expect.Rejected(b.Try(OpenCommand(FlowVariant.Standard) with { OrderId = "order-2" }), ErrorKind.Conflict, CaseErrors.InvalidTransition);
    }

    [Fact(DisplayName = "§6.5 #1 (seed 004): a hardware case needs the order's recipient phone (422)")]
    public void Row1_hardware_needs_order_phone() =>
        Expect.Validation(SupervisionRules.Decide(null, OpenCommand(FlowVariant.Hardware, orderPhone: " "), OrderedAt, Defaults));

    [Fact(DisplayName = "§6.2 #1: a command on a case that does not exist is 404")]
    public void Unknown_case_is_not_found() =>
        Expect.Rejected(SupervisionRules.Decide(null, new SubmitRequirement(Buyer, "x"), OrderedAt, Defaults), ErrorKind.NotFound, CaseErrors.NotFoundCode);

    [Fact(DisplayName = "§6.2 #2 (P47): after 2025-03-26 the requirement goes to the seller's confirmation")]
    public void Row2_submit_requirement_after_cut_over()
    {
        var b = Open().Wait(TimeSpan.FromHours(2));
        b.Do(new SubmitRequirement(Buyer, "  Migrate the CRM  ", ["sow-1", "sow-1", " "]));

        Expect.Actions(b.LastEvents, CaseActions.RequirementSubmitted);
        Assert.Equal(CaseState.AwaitingRequirementConfirmation, b.State.State);
        Assert.Equal(b.Now, b.State.StateEnteredAt);
        Assert.Equal("Migrate the CRM", b.State.Requirement!.Text);
        Assert.Equal(["sow-1"], b.State.Requirement.AttachmentIds);
    }

    [Fact(DisplayName = "§6.2 #2 (P47): before 2025-03-26 the requirement goes straight to SellerImplementing")]
    public void Row2_submit_requirement_before_cut_over()
    {
        var b = Open(orderedAt: new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.FromHours(8))).SubmitRequirement();
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
    }

    [Fact(DisplayName = "§6.2 #2: an empty requirement is 422 validation.failed")]
    public void Row2_requirement_text_is_required() =>
        Expect.Validation(Open().Try(new SubmitRequirement(Buyer, "   ")));

    [Fact(DisplayName = "§6.2 #3 (P59): the seller confirms the requirement → SellerImplementing")]
    public void Row3_confirm_requirement()
    {
        var b = Open().SubmitRequirement().Wait(TimeSpan.FromHours(1)).ConfirmRequirement();
        Expect.Actions(b.LastEvents, CaseActions.RequirementConfirmed);
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
        Assert.Equal(b.Now, b.State.StateEnteredAt);
    }

    [Fact(DisplayName = "§6.2 #4 (P59): the seller returns the requirement → AwaitingRequirement, not counted as a rejection")]
    public void Row4_return_requirement()
    {
        var b = Open().SubmitRequirement().ReturnRequirement("Which databases?");
        Expect.Actions(b.LastEvents, CaseActions.RequirementReturned);
        Assert.Equal("Which databases?", b.LastEvents[0].Reason);
        Assert.Equal(CaseState.AwaitingRequirement, b.State.State);
        Assert.Equal(0, b.State.RejectionCount); // decisions §16 #12

        b.SubmitRequirement("Databases A, B and C");
        Assert.Equal(CaseState.AwaitingRequirementConfirmation, b.State.State);
        Assert.Equal("Databases A, B and C", b.State.Requirement!.Text);
    }

    [Fact(DisplayName = "§6.2 #4: returning the requirement needs a reason (422)")]
    public void Row4_return_needs_reason() =>
        Expect.Validation(Open().SubmitRequirement().Try(new DecideRequirement(Seller, RequirementDecision.Return, "")));

    [Fact(DisplayName = "§6.2 #5: the seller delivers with an uploaded report → AwaitingUserAcceptance; the report is locked")]
    public void Row5_delivery_standard_scenario()
    {
        var b = Open().ToSellerImplementing();
        var report = b.Upload("acceptance.pdf");
        b.Wait(TimeSpan.FromDays(1)).Do(new SubmitDelivery(Seller, [report]));

        Expect.Actions(b.LastEvents, CaseActions.DeliverySubmitted);
        Assert.Equal(CaseState.AwaitingUserAcceptance, b.State.State);
        Assert.Equal(b.Now, b.State.StateEnteredAt);
        Assert.True(Assert.Single(b.State.Reports).Locked);
        var delivery = Assert.Single(b.State.Deliveries);
        Assert.Equal(DeliveryKind.Delivery, delivery.Kind);
        Assert.Equal([report], delivery.ReportIds);
    }

    [Theory(DisplayName = "§6.2 #5 (seed 001, seed 004): enablementCloud and baseCloud deliveries go to PlatformReview")]
    [InlineData(Scenario.EnablementCloud, FlowVariant.Standard)]
    [InlineData(Scenario.BaseCloud, FlowVariant.Standard)]
    [InlineData(Scenario.EnablementCloud, FlowVariant.DataFile)]
    [InlineData(Scenario.BaseCloud, FlowVariant.OfflineSaas)]
    [InlineData(Scenario.EnablementCloud, FlowVariant.OfflineLicense)]
    [InlineData(Scenario.BaseCloud, FlowVariant.AppOrchestration)]
    public void Row5_delivery_reviewed_scenarios(Scenario scenario, FlowVariant flow)
    {
        var b = Open(flow, scenario).ToSellerImplementing().Deliver();
        Assert.Equal(CaseState.PlatformReview, b.State.State);
    }

    [Fact(DisplayName = "§6.2 #5 (seed 000, seed 002): a delivery without a report is 422 delivery.report-required")]
    public void Row5_delivery_needs_a_report()
    {
        var b = Open().ToSellerImplementing();
        Expect.Rejected(b.Try(new SubmitDelivery(Seller, [])), ErrorKind.Invalid, CaseErrors.DeliveryReportRequired);
        Expect.Rejected(b.Try(new SubmitDelivery(Seller, null)), ErrorKind.Invalid, CaseErrors.DeliveryReportRequired);
    }

    [Fact(DisplayName = "§6.2 #5: a delivery naming a report not uploaded to this case is 422 delivery.unknown-report")]
    public void Row5_delivery_unknown_report()
    {
        var b = Open().ToSellerImplementing();
        var report = b.Upload();
        var error = Expect.Rejected(b.Try(new SubmitDelivery(Seller, [report, "report-of-another-case"])), ErrorKind.Invalid, CaseErrors.DeliveryUnknownReport);
        Assert.Contains("report-of-another-case", error.Detail, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "§6.2 #6 (seed 001): the reviewer approves → AwaitingUserAcceptance")]
    public void Row6_review_approve()
    {
        var b = Open(scenario: Scenario.EnablementCloud).ToSellerImplementing().Deliver().Approve();
        Expect.Actions(b.LastEvents, CaseActions.ReviewApproved);
        Assert.Equal(CaseState.AwaitingUserAcceptance, b.State.State);
    }

    [Fact(DisplayName = "§6.2 #7 / decisions §16 #13: the reviewer rejects → SellerImplementing with the reason, not counted")]
    public void Row7_review_reject()
    {
        var b = Open(scenario: Scenario.BaseCloud).ToSellerImplementing().Deliver().RejectReview("The report is not signed");
        Expect.Actions(b.LastEvents, CaseActions.ReviewRejected);
        Assert.Equal("The report is not signed", b.LastEvents[0].Reason);
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
        Assert.Equal(0, b.State.RejectionCount);

        b.Deliver(); // the seller delivers again, and the review runs again
        Assert.Equal(CaseState.PlatformReview, b.State.State);
    }

    [Fact(DisplayName = "§6.2 #7: a review rejection needs a reason (422)")]
    public void Row7_review_reject_needs_reason() =>
        Expect.Validation(Open(scenario: Scenario.BaseCloud).ToSellerImplementing().Deliver().Try(new Review(Reviewer, ReviewDecision.Reject)));

    [Fact(DisplayName = "§6.2 #8 / decisions 'Completion': the buyer accepts → Completed at once")]
    public void Row8_accept_completes()
    {
        var b = Open().ToAcceptance().Wait(TimeSpan.FromDays(2)).Accept();
        Expect.Actions(b.LastEvents, CaseActions.AcceptanceAccepted, CaseActions.Completed);
        Assert.Equal(CaseState.Completed, b.State.State);
        Assert.Equal(b.Now, b.State.AcceptedAt);
        Assert.Equal(b.Now, b.State.CompletedAt);
        // Only the order sync remains timed (OrderSyncTests): nothing moves the case any more.
        Assert.Equal(b.Now + TimeSpan.FromMinutes(30), b.NextDeadline());
        Assert.Equal(b.Now + TimeSpan.FromHours(3), SupervisionRules.CompletionSyncDeadline(b.State, b.Options));
    }

    [Fact(DisplayName = "§6.2 #9: buyer rejection returns to SellerImplementing and counts")]
    public void Row9_reject_counts()
    {
        var b = Open().ToAcceptance().Reject("Two tables are missing");
        Expect.Actions(b.LastEvents, CaseActions.AcceptanceRejected);
        Assert.Equal("Two tables are missing", b.LastEvents[0].Reason);
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
        Assert.Equal(1, b.State.RejectionCount);

        b.RejectTimes(2);
        Assert.Equal(3, b.State.RejectionCount);
    }

    [Fact(DisplayName = "§6.2 #9: a rejection needs a reason (422)")]
    public void Row9_reject_needs_reason() =>
        Expect.Validation(Open().ToAcceptance().Try(new DecideAcceptance(Buyer, AcceptanceDecision.Reject, " ")));

    [Fact(DisplayName = "§6.2 #10 (seed 000): an appeal freezes the case in its state")]
    public void Row10_appeal_freezes()
    {
        var b = Open().ToSellerImplementing().WaitDays(6);
        b.Do(new RecordEvidenceUploaded(Buyer, "shot-1", "screenshot.png", "image/png", 100, new string('a', 64)));
        b.Do(new OpenAppeal(Buyer, "appeal-1", "The seller does not answer", "Refund", ["shot-1"]));

        Expect.Actions(b.LastEvents, CaseActions.AppealOpened);
        Assert.True(b.State.Frozen);
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
        var appeal = b.State.Appeal!;
        Assert.Equal(AppealStatus.Open, appeal.Status);
        Assert.Equal(CaseState.SellerImplementing, appeal.FrozenState);
        Assert.Equal(Role.Buyer, appeal.Initiator);
        Assert.Equal("buyer-1", appeal.InitiatorId);
        Assert.Equal("The seller does not answer", appeal.Reason);
        Assert.Equal("Refund", appeal.Demands);
        Assert.Equal(["shot-1"], appeal.EvidenceIds);
        Assert.Equal(AppealRules.SellerStepStalled, appeal.Rule);
        Assert.Null(b.NextDeadline());
    }

    [Fact(DisplayName = "§6.2 #11 resume: back to the frozen state, the stall window restarting at the resolution")]
    public void Row11_resolve_resume()
    {
        var b = Open().ToSellerImplementing().WaitDays(6).Appeal(Buyer).WaitDays(2).Resolve(AppealOutcome.Resume);

        Expect.Actions(b.LastEvents, CaseActions.AppealResolved);
        Assert.False(b.State.Frozen);
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
        Assert.Equal(b.Now, b.State.StateEnteredAt);
        Assert.Equal(AppealStatus.Resolved, b.State.Appeal!.Status);
        Assert.Equal(AppealOutcome.Resume, b.State.Appeal.Outcome);
        Assert.Equal("ops-9", b.State.Appeal.ResolvedBy);
        Assert.Equal(b.Now, b.State.Appeal.ResolvedAt);
        Assert.Equal(b.Now + TimeSpan.FromDays(5), b.NextDeadline());

        b.Deliver(); // the parties can act again
        Assert.Equal(CaseState.AwaitingUserAcceptance, b.State.State);
    }

    [Fact(DisplayName = "§6.2 #11 complete (seed 001): the ops manager closes the order by hand and settles → Completed")]
    public void Row11_resolve_complete()
    {
        var b = Open().ToSellerImplementing().WaitDays(6).Appeal(Buyer).Resolve(AppealOutcome.Complete);
        Expect.Actions(b.LastEvents, CaseActions.AppealResolved, CaseActions.Completed);
        Assert.Equal(CaseState.Completed, b.State.State);
        Assert.Equal(b.Now, b.State.CompletedAt);
        Assert.False(b.State.Frozen);
    }

    [Fact(DisplayName = "§6.2 #11 close: the ops manager closes the case → Closed")]
    public void Row11_resolve_close()
    {
        var b = Open().ToSellerImplementing().WaitDays(6).Appeal(Buyer).Resolve(AppealOutcome.Close, note: "Refunded");
        Expect.Actions(b.LastEvents, CaseActions.AppealResolved, CaseActions.Closed);
        Assert.Equal(CaseState.Closed, b.State.State);
        Assert.Equal(b.Now, b.State.ClosedAt);
        Assert.Equal("Refunded", b.LastEvents[1].Reason);
    }

    [Fact(DisplayName = "§6.2 #11: resolving needs a note (422), the open appeal's id (409 appeal.not-open) and the ops role (403)")]
    public void Row11_resolve_guards()
    {
        var b = Open().ToSellerImplementing().WaitDays(6).Appeal(Buyer);
        Expect.Validation(b.Try(new ResolveAppeal(Ops, "appeal-1", AppealOutcome.Resume, "")));
        Expect.Rejected(b.Try(new ResolveAppeal(Ops, "appeal-2", AppealOutcome.Resume, "n")), ErrorKind.Conflict, CaseErrors.AppealNotOpen);
        Expect.Forbidden(b.Try(new ResolveAppeal(Seller, "appeal-1", AppealOutcome.Resume, "n")));
        Expect.Forbidden(b.Try(new ResolveAppeal(Reviewer, "appeal-1", AppealOutcome.Resume, "n")));

        b.Resolve(AppealOutcome.Resume);
        var error = Expect.Rejected(b.Try(new ResolveAppeal(Ops, "appeal-1", AppealOutcome.Resume, "again")), ErrorKind.Conflict, CaseErrors.AppealNotOpen);
        Assert.Contains("SellerImplementing", error.Detail, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "§6.2 #12 is left out (threshold unknown): time alone never closes a case")]
    public void Row12_overdue_is_not_implemented()
    {
        var b = Open().ToSellerImplementing();
        for (var day = 0; day < 400; day += 50)
        {
            b.WaitDays(50).Tick();
        }
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
        Assert.DoesNotContain(b.History, e => e is CaseClosed);
        Assert.Null(b.NextDeadline()); // the stall was reported once; nothing else is pending
    }

    [Fact(DisplayName = "Invariant (seed 002): the whole standard path leaves one event per step")]
    public void Whole_path_timeline()
    {
        var b = Open().SubmitRequirement().ConfirmRequirement().Deliver().Accept();
        Expect.Actions(b.History,
            CaseActions.Opened, CaseActions.RequirementSubmitted, CaseActions.RequirementConfirmed,
            CaseActions.ReportUploaded, CaseActions.DeliverySubmitted, CaseActions.AcceptanceAccepted, CaseActions.Completed);
        Assert.All(b.History, e => Assert.False(string.IsNullOrEmpty(e.Action)));
    }

    [Fact(DisplayName = "Apply replays the event stream into the same snapshot")]
    public void Replay_gives_the_same_snapshot()
    {
        var b = Open(scenario: Scenario.EnablementCloud).SubmitRequirement().ConfirmRequirement().Deliver().Approve().Reject().Deliver();
        var replayed = SupervisionRules.ApplyAll(null, b.History)!;
        Assert.Equal(b.State.State, replayed.State);
        Assert.Equal(b.State.StateEnteredAt, replayed.StateEnteredAt);
        Assert.Equal(b.State.RejectionCount, replayed.RejectionCount);
        Assert.Equal(b.State.Reports, replayed.Reports);
        Assert.Equal(b.State.Deliveries.Count, replayed.Deliveries.Count);
    }

    [Fact(DisplayName = "Apply refuses an event before the case was opened, and a second open")]
    public void Apply_refuses_impossible_sequences()
    {
        Assert.Throws<InvalidOperationException>(() => SupervisionRules.Apply(null, new RequirementConfirmed(OrderedAt)));
        var b = Open();
        Assert.Throws<InvalidOperationException>(() => SupervisionRules.Apply(b.State, b.History[0]));
    }
}

using Marketplace.Core.Common;
using Marketplace.Core.Supervision;
using static Marketplace.Core.Tests.Supervision.CaseBuilder;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>Decisions §16 #10 (domain §13): who may appeal, and when; one test per rule.</summary>
public sealed class AppealEligibilityTests
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(5);

    [Fact(DisplayName = "Seed 000 (4th operation): after 3 rejections the seller may appeal at its next step; after 2 it may not")]
    public void Seller_after_three_rejections()
    {
        var b = Open().RejectTimes(2);
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
        var two = b.Eligibility().Seller;
        Assert.False(two.Eligible);
        Assert.Null(two.From);
        Assert.Equal(AppealRules.OwnStep, two.Rule);
        var error = Expect.Rejected(b.Try(new OpenAppeal(Seller, "a", "The buyer keeps rejecting")), ErrorKind.Conflict, CaseErrors.AppealNotEligible);
        Assert.Contains("SellerImplementing", error.Detail, StringComparison.Ordinal);
        Assert.Contains(AppealRules.OwnStep, error.Detail, StringComparison.Ordinal);

        b.ToAcceptance().Reject(); // the 3rd rejection: the seller's 4th operation may be an appeal
        var three = b.Eligibility().Seller;
        Assert.True(three.Eligible);
        Assert.Equal(AppealRules.SellerAfterRejections, three.Rule);
        Assert.Equal(b.State.StateEnteredAt, three.From);

        b.Appeal(Seller, reason: "The buyer rejects without reasons");
        Assert.True(b.State.Frozen);
        Assert.Equal(Role.Seller, b.State.Appeal!.Initiator);
        Assert.Equal(AppealRules.SellerAfterRejections, b.State.Appeal.Rule);
    }

    [Fact(DisplayName = "Decisions §16 #10: the rejection rule applies at the seller's step only, not while the buyer decides")]
    public void Seller_rejection_rule_only_at_seller_step()
    {
        var b = Open().RejectTimes(3).ToAcceptance();
        var seller = b.Eligibility().Seller;
        Assert.False(seller.Eligible);
        Assert.Equal(AppealRules.BuyerStepStalled, seller.Rule); // but the buyer-stall rule will apply
        Assert.Equal(b.State.StateEnteredAt + Window, seller.From);
    }

    [Fact(DisplayName = "Setting Supervision:RejectionsBeforeAppeal changes the seller's threshold")]
    public void Rejections_threshold_is_configurable()
    {
        var b = Open(options: new SupervisionOptions { RejectionsBeforeAppeal = 1 }).RejectTimes(1);
        Assert.True(b.Eligibility().Seller.Eligible);
    }

    [Theory(DisplayName = "Seed 000 (seller appeal): a buyer step stalled beyond the window → the seller may appeal, From = entry + window")]
    [InlineData(CaseState.AwaitingRequirement)]
    [InlineData(CaseState.AwaitingUserAcceptance)]
    public void Seller_on_buyer_step_stall(CaseState buyerStep)
    {
        var b = Open();
        if (buyerStep == CaseState.AwaitingUserAcceptance) b.ToAcceptance();
        Assert.Equal(buyerStep, b.State.State);
        var from = b.State.StateEnteredAt + Window;

        b.Wait(Window - TimeSpan.FromSeconds(1));
        var before = b.Eligibility().Seller;
        Assert.False(before.Eligible);
        Assert.Equal(from, before.From);
        Assert.Equal(AppealRules.BuyerStepStalled, before.Rule);
        var error = Expect.Rejected(b.Try(new OpenAppeal(Seller, "a", "The buyer is silent")), ErrorKind.Conflict, CaseErrors.AppealNotEligible);
        Assert.Contains(buyerStep.ToString(), error.Detail, StringComparison.Ordinal);

        b.Wait(TimeSpan.FromSeconds(1));
        var after = b.Eligibility().Seller;
        Assert.True(after.Eligible);
        Assert.Equal(from, after.From);
        b.Appeal(Seller);
        Assert.Equal(buyerStep, b.State.Appeal!.FrozenState);
    }

    [Theory(DisplayName = "Seed 000 (buyer appeal): a seller step stalled beyond the window → the buyer may appeal, From = entry + window")]
    [InlineData(CaseState.AwaitingRequirementConfirmation, FlowVariant.Standard)]
    [InlineData(CaseState.SellerImplementing, FlowVariant.Standard)]
    [InlineData(CaseState.LicenseActivation, FlowVariant.License2)]
    [InlineData(CaseState.SellerUploadProof, FlowVariant.License2)]
    public void Buyer_on_seller_step_stall(CaseState sellerStep, FlowVariant flow)
    {
        var b = Open(flow);
        switch (sellerStep)
        {
            case CaseState.AwaitingRequirementConfirmation: b.SubmitRequirement(); break;
            case CaseState.SellerImplementing: b.ToSellerImplementing(); break;
            case CaseState.LicenseActivation: b.Deliver().Accept(); break;
            case CaseState.SellerUploadProof: b.Deliver().Accept().Activate(); break;
        }
        Assert.Equal(sellerStep, b.State.State);
        var from = b.State.StateEnteredAt + Window;

        var before = b.WaitDays(4).Eligibility().Buyer;
        Assert.False(before.Eligible);
        Assert.Equal(from, before.From);
        Assert.Equal(AppealRules.SellerStepStalled, before.Rule);

        var after = b.WaitDays(1).Eligibility().Buyer;
        Assert.True(after.Eligible);
        b.Appeal(Buyer);
        Assert.True(b.State.Frozen);
    }

    [Fact(DisplayName = "Decisions §16 #10: a party never appeals about its own step by time alone (From = null)")]
    public void Own_step_is_never_eligible_by_time()
    {
        var buyerStep = Open().WaitDays(30);
        Assert.False(buyerStep.Eligibility().Buyer.Eligible);
        Assert.Null(buyerStep.Eligibility().Buyer.From);
        Assert.Equal(AppealRules.OwnStep, buyerStep.Eligibility().Buyer.Rule);

        var sellerStep = Open().ToSellerImplementing().WaitDays(30);
        Assert.False(sellerStep.Eligibility().Seller.Eligible);
        Assert.Null(sellerStep.Eligibility().Seller.From);
    }

    [Fact(DisplayName = "Decisions §16 #10: the non-hardware buyer gets no rejection rule")]
    public void Non_hardware_buyer_has_no_rejection_rule()
    {
        var b = Open().RejectTimes(4).ToAcceptance();
        Assert.False(b.Eligibility().Buyer.Eligible);
        Assert.Equal(AppealRules.OwnStep, b.Eligibility().Buyer.Rule);
    }

    [Fact(DisplayName = "Decisions §16 #10: nobody appeals about the platform review")]
    public void Platform_review_is_nobody_s_stall()
    {
        var b = Open(scenario: Scenario.EnablementCloud).ToSellerImplementing().Deliver().WaitDays(30);
        Assert.Equal(CaseState.PlatformReview, b.State.State);
        var eligibility = b.Eligibility();
        Assert.False(eligibility.Buyer.Eligible);
        Assert.False(eligibility.Seller.Eligible);
        Assert.Null(eligibility.Buyer.From);
        Assert.Null(eligibility.Seller.From);
        Assert.Equal(AppealRules.PlatformStep, eligibility.Seller.Rule);
    }

    [Fact(DisplayName = "Decisions §16 #11: the stall window restarts on every state entry, so From moves")]
    public void Stall_window_restarts_on_state_entry()
    {
        var b = Open().ToSellerImplementing();
        var firstFrom = b.Eligibility().Buyer.From;
        Assert.Equal(b.State.StateEnteredAt + Window, firstFrom);

        b.WaitDays(3).Deliver().WaitDays(1).Reject(); // back at SellerImplementing four days later
        var secondFrom = b.Eligibility().Buyer.From;
        Assert.Equal(b.Now + Window, secondFrom);
        Assert.True(secondFrom > firstFrom);

        b.WaitDays(4); // 8 days after the first entry, 4 after the second
        Assert.False(b.Eligibility().Buyer.Eligible);
    }

    [Fact(DisplayName = "Decisions §16 #11: resuming after an appeal restarts the stall window at the resolution")]
    public void Stall_window_restarts_after_resume()
    {
        var b = Open().ToSellerImplementing().WaitDays(6).Appeal(Buyer).WaitDays(3).Resolve(AppealOutcome.Resume);
        var buyer = b.Eligibility().Buyer;
        Assert.False(buyer.Eligible);
        Assert.Equal(b.Now + Window, buyer.From);
    }

    [Fact(DisplayName = "Decisions §16 #12: an appeal does not reset the rejection counter")]
    public void Appeal_does_not_reset_rejections()
    {
        var b = Open().RejectTimes(3).Appeal(Seller).Resolve(AppealOutcome.Resume);
        Assert.Equal(3, b.State.RejectionCount);
        Assert.True(b.Eligibility().Seller.Eligible);
    }

    [Fact(DisplayName = "Seed 003 / Supervision:AppealPolicy = AnyTime: either party, any step, at once")]
    public void Any_time_policy()
    {
        var options = new SupervisionOptions { AppealPolicy = AppealPolicy.AnyTime };
        var b = Open(options: options);
        var eligibility = b.Eligibility();
        Assert.True(eligibility.Buyer.Eligible);
        Assert.True(eligibility.Seller.Eligible);
        Assert.Equal(AppealRules.AnyTime, eligibility.Buyer.Rule);

        b.Appeal(Buyer, reason: "Changed my mind"); // the buyer's own step, no wait
        Assert.Equal(AppealRules.AnyTime, b.State.Appeal!.Rule);
        b.Resolve(AppealOutcome.Resume).ToSellerImplementing().Appeal(Seller, "appeal-2");
        Assert.True(b.State.Frozen);

        var review = Open(scenario: Scenario.BaseCloud, options: options).ToSellerImplementing().Deliver();
        Assert.True(review.Eligibility().Seller.Eligible); // even at the platform's step
    }

    [Fact(DisplayName = "Seed 000: one open appeal at a time (409 appeal.already-open), and nobody is eligible meanwhile")]
    public void One_open_appeal_at_a_time()
    {
        var b = Open().ToAcceptance().WaitDays(6).Appeal(Seller);
        Assert.Equal(AppealRules.AppealOpen, b.Eligibility().Buyer.Rule);
        Assert.False(b.Eligibility().Seller.Eligible);

        var error = Expect.Rejected(b.Try(new OpenAppeal(Buyer, "appeal-2", "Me too")), ErrorKind.Conflict, CaseErrors.AppealAlreadyOpen);
        Assert.Contains("AwaitingUserAcceptance", error.Detail, StringComparison.Ordinal);
        Expect.Rejected(b.Try(new OpenAppeal(Seller, "appeal-2", "Again")), ErrorKind.Conflict, CaseErrors.AppealAlreadyOpen);
    }

    [Fact(DisplayName = "A finished case takes no appeal (409, state named)")]
    public void Finished_case_takes_no_appeal()
    {
        var b = Open(options: new SupervisionOptions { AppealPolicy = AppealPolicy.AnyTime }).ToAcceptance().Accept();
        Assert.Equal(AppealRules.CaseFinished, b.Eligibility().Buyer.Rule);
        Expect.InvalidTransition(b.Try(new OpenAppeal(Buyer, "a", "late")), CaseState.Completed);
    }

    [Fact(DisplayName = "Seed 000 / seed 003: an appeal needs a reason (422)")]
    public void Appeal_needs_a_reason() =>
        Expect.Validation(Open().ToSellerImplementing().WaitDays(6).Try(new OpenAppeal(Buyer, "a", "  ")));

    [Fact(DisplayName = "Only the case's buyer or seller appeals (403 for ops, reviewer, another buyer)")]
    public void Appeal_by_the_wrong_party()
    {
        var b = Open().ToSellerImplementing().WaitDays(6);
        Expect.Forbidden(b.Try(new OpenAppeal(Ops, "a", "r")));
        Expect.Forbidden(b.Try(new OpenAppeal(Reviewer, "a", "r")));
        Expect.Forbidden(b.Try(new OpenAppeal(OtherBuyer, "a", "r")));
        Expect.Forbidden(b.Try(new OpenAppeal(Platform, "a", "r")));
    }

    [Fact(DisplayName = "Supervision:StallWindow is configurable (seconds in tests)")]
    public void Stall_window_is_configurable()
    {
        var b = Open(options: new SupervisionOptions { StallWindow = TimeSpan.FromSeconds(30) }).ToSellerImplementing().Wait(TimeSpan.FromSeconds(30));
        Assert.True(b.Eligibility().Buyer.Eligible);
        Assert.Contains("00:00:30", b.Eligibility().Buyer.Explanation, StringComparison.Ordinal);
    }
}

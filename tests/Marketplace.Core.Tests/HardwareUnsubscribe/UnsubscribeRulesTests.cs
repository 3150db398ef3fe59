using Marketplace.Core.Common;
using Marketplace.Core.HardwareUnsubscribe;

namespace Marketplace.Core.Tests.HardwareUnsubscribe;

/// <summary>Domain §6.6: the hardware unsubscribe state machine, its two windows and the yearly quota.</summary>
public sealed class UnsubscribeRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly UnsubscribeOptions Options = new();
    private static readonly Actor Buyer = new("buyer-1", Role.Buyer);
    private static readonly Actor OtherBuyer = new("buyer-2", Role.Buyer);
    private static readonly Actor Seller = new("SL1", Role.Seller);
    private static readonly Actor OtherSeller = new("SL2", Role.Seller);

    private sealed class App
    {
        public Unsubscription? State;
        public DateTimeOffset Now = T0;

        public App(UnsubscribeKind kind)
        {
            Run(new OpenUnsubscription(Buyer, "UNCS1-01", "CS1", "SCCS1", "PD1", Buyer.Id, Seller.Id, kind, "The goods are not needed any more.", 2026, 1, Now));
        }

        public Decision<UnsubscriptionEvent> Decide(UnsubscriptionCommand c) => UnsubscribeRules.Decide(State, c, Now, Options);

        public App Run(UnsubscriptionCommand c)
        {
            var d = Decide(c);
            Assert.False(d.IsRejected, d.Error?.Detail);
            State = UnsubscribeRules.ApplyAll(State, d.Events);
            return this;
        }

        public IReadOnlyList<UnsubscriptionEvent> Tick()
        {
            var d = UnsubscribeRules.Tick(State!, Now);
            State = UnsubscribeRules.ApplyAll(State, d.Events);
            return d.Events;
        }

        public App Wait(TimeSpan t)
        {
            Now += t;
            return this;
        }

        public UnsubscriptionStatus Status => State!.Status;
    }

    private static DomainError Rejected(Decision<UnsubscriptionEvent> d, ErrorKind kind, string code)
    {
        Assert.True(d.IsRejected, "Expected a rejection, got " + string.Join(", ", d.Events.Select(e => e.Action)));
        Assert.Equal(kind, d.Error!.Kind);
        Assert.Equal(code, d.Error.Code);
        return d.Error;
    }

    [Fact(DisplayName = "§6.6 #2: not received, approved → Refunding → Done; the review deadline is applied-at + 10 days")]
    public void Not_received_approve_refunds()
    {
        var a = new App(UnsubscribeKind.NotReceived);
        Assert.Equal(UnsubscriptionStatus.AwaitingSellerReview, a.Status);
        Assert.Equal(T0 + TimeSpan.FromDays(10), a.State!.ReviewDueAt);
        Assert.Equal("seller", a.Status.Side());

        a.Wait(TimeSpan.FromHours(3)).Run(new ReviewUnsubscription(Seller, UnsubscribeReviewDecision.Approve));
        Assert.Equal(UnsubscriptionStatus.Refunding, a.Status);
        Assert.Null(a.State!.ReturnDueAt);
        Assert.Null(UnsubscribeRules.NextDeadline(a.State));

        a.Run(new CompleteRefund(Actor.Platform));
        Assert.Equal(UnsubscriptionStatus.Done, a.Status);
        Assert.True(a.State!.IsTerminal);
        Assert.Empty(a.Decide(new CompleteRefund(Actor.Platform)).Events); // a repeated refund message changes nothing
    }

    [Fact(DisplayName = "§6.6 #2, #5, #7: received, approved → return within the window → inspection → Refunding")]
    public void Received_runs_through_the_return()
    {
        var a = new App(UnsubscribeKind.Received).Wait(TimeSpan.FromDays(1));
        a.Run(new ReviewUnsubscription(Seller, UnsubscribeReviewDecision.Approve, "OK, send it back."));
        Assert.Equal(UnsubscriptionStatus.AwaitingBuyerReturn, a.Status);
        Assert.Equal(a.Now + TimeSpan.FromDays(10), a.State!.ReturnDueAt);
        Assert.Equal(a.State.ReturnDueAt, UnsubscribeRules.NextDeadline(a.State));

        Rejected(a.Decide(new EnterReturnShipment(Buyer, " ", "SF1")), ErrorKind.Invalid, "validation.failed");
        Rejected(a.Decide(new EnterReturnShipment(OtherBuyer, "SF", "SF1")), ErrorKind.Forbidden, "auth.forbidden");
        Rejected(a.Decide(new InspectReturn(Seller)), ErrorKind.Conflict, UnsubscribeErrors.InvalidTransition);

        a.Wait(TimeSpan.FromDays(9)).Run(new EnterReturnShipment(Buyer, " SF Express ", "SF1234567890"));
        Assert.Equal(UnsubscriptionStatus.AwaitingSellerInspection, a.Status);
        Assert.Equal(new ReturnShipment("SF Express", "SF1234567890", a.Now), a.State!.ReturnShipment);
        Rejected(a.Decide(new WithdrawUnsubscription(Buyer)), ErrorKind.Conflict, UnsubscribeErrors.InvalidTransition);
        Rejected(a.Decide(new InspectReturn(OtherSeller)), ErrorKind.Forbidden, "auth.forbidden");

        a.Run(new InspectReturn(Seller, "Complete and undamaged."));
        Assert.Equal(UnsubscriptionStatus.Refunding, a.Status);
        a.Run(new CompleteRefund(Actor.Platform));
        Assert.Equal(UnsubscriptionStatus.Done, a.Status);
    }

    [Fact(DisplayName = "§6.6 #3: a rejection needs a reason and ends the application")]
    public void Reject_needs_a_reason()
    {
        var a = new App(UnsubscribeKind.NotReceived);
        Rejected(a.Decide(new ReviewUnsubscription(Seller, UnsubscribeReviewDecision.Reject, "  ")), ErrorKind.Invalid, "validation.failed");
        Rejected(a.Decide(new ReviewUnsubscription(Buyer, UnsubscribeReviewDecision.Approve)), ErrorKind.Forbidden, "auth.forbidden");
        a.Run(new ReviewUnsubscription(Seller, UnsubscribeReviewDecision.Reject, "Already shipped; the courier has it."));
        Assert.Equal(UnsubscriptionStatus.Rejected, a.Status);
        Assert.False(a.State!.Review!.Approved);
        var again = Rejected(a.Decide(new ReviewUnsubscription(Seller, UnsubscribeReviewDecision.Approve)), ErrorKind.Conflict, UnsubscribeErrors.InvalidTransition);
        Assert.Contains("The unsubscription is in Rejected;", again.Detail, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "§6.6 #6: the buyer withdraws while awaiting review or the return, not later")]
    public void Withdrawal()
    {
        var a = new App(UnsubscribeKind.NotReceived);
        Rejected(a.Decide(new WithdrawUnsubscription(OtherBuyer)), ErrorKind.Forbidden, "auth.forbidden");
        a.Run(new WithdrawUnsubscription(Buyer, "Changed my mind."));
        Assert.Equal(UnsubscriptionStatus.Withdrawn, a.Status);
        Assert.Equal("buyer-1", a.State!.Withdrawal!.By);

        var b = new App(UnsubscribeKind.Received).Run(new ReviewUnsubscription(Seller, UnsubscribeReviewDecision.Approve));
        b.Run(new WithdrawUnsubscription(Buyer));
        Assert.Equal(UnsubscriptionStatus.Withdrawn, b.Status);
        Assert.Null(UnsubscribeRules.NextDeadline(b.State!));

        var c = new App(UnsubscribeKind.NotReceived).Run(new ReviewUnsubscription(Seller, UnsubscribeReviewDecision.Approve));
        Rejected(c.Decide(new WithdrawUnsubscription(Buyer)), ErrorKind.Conflict, UnsubscribeErrors.InvalidTransition);
    }

    [Fact(DisplayName = "P43: after the review window the buyer may appeal; the timeline records it once; nothing moves")]
    public void Review_window()
    {
        var a = new App(UnsubscribeKind.NotReceived);
        var before = UnsubscribeRules.BuyerAppeal(a.State!, a.Now);
        Assert.False(before.Eligible);
        Assert.Equal(T0 + TimeSpan.FromDays(10), before.From);

        a.Wait(TimeSpan.FromDays(10) - TimeSpan.FromTicks(1));
        Assert.Empty(a.Tick());
        a.Wait(TimeSpan.FromTicks(1));
        var e = Assert.IsType<ReviewWindowElapsed>(Assert.Single(a.Tick()));
        Assert.Equal(UnsubscribeActions.ReviewWindowElapsed, e.Action);
        Assert.Equal(UnsubscriptionStatus.AwaitingSellerReview, a.Status);
        Assert.Empty(a.Tick());
        Assert.Null(UnsubscribeRules.NextDeadline(a.State!));
        Assert.True(UnsubscribeRules.BuyerAppeal(a.State!, a.Now).Eligible);

        // A late review still counts; the eligibility ends with it.
        a.Run(new ReviewUnsubscription(Seller, UnsubscribeReviewDecision.Approve));
        Assert.False(UnsubscribeRules.BuyerAppeal(a.State!, a.Now).Eligible);
    }

    [Fact(DisplayName = "P43: no return shipment within 10 days of the approval → treated as withdrawn; a late entry is refused")]
    public void Return_window()
    {
        var a = new App(UnsubscribeKind.Received).Run(new ReviewUnsubscription(Seller, UnsubscribeReviewDecision.Approve));
        a.Wait(TimeSpan.FromDays(10));
        Rejected(a.Decide(new EnterReturnShipment(Buyer, "SF", "SF1")), ErrorKind.Conflict, UnsubscribeErrors.InvalidTransition);
        var e = Assert.IsType<ReturnWindowElapsed>(Assert.Single(a.Tick()));
        Assert.Equal(UnsubscribeActions.ReturnWindowElapsed, e.Action);
        Assert.Equal(UnsubscriptionStatus.Withdrawn, a.Status);
        Assert.Equal("platform", a.State!.Withdrawal!.By);
        Assert.Empty(a.Tick());
    }

    [Fact(DisplayName = "Opening twice changes nothing; only the order's buyer or the platform opens")]
    public void Open_is_idempotent()
    {
        var a = new App(UnsubscribeKind.NotReceived);
        var again = new OpenUnsubscription(Actor.Platform, "UNCS1-01", "CS1", "SCCS1", "PD1", Buyer.Id, Seller.Id, UnsubscribeKind.NotReceived, "x", 2026, 1, T0);
        Assert.Empty(a.Decide(again).Events);
        Rejected(UnsubscribeRules.Decide(null, again with { Actor = OtherBuyer }, T0, Options), ErrorKind.Forbidden, "auth.forbidden");
        Rejected(UnsubscribeRules.Decide(null, again with { Actor = Seller }, T0, Options), ErrorKind.Forbidden, "auth.forbidden");
        Rejected(UnsubscribeRules.Decide(null, again with { Reason = " " }, T0, Options), ErrorKind.Invalid, "validation.failed");
    }
}

/// <summary>Seed 000: 10 applications per account per natural year, counted in the billing time zone.</summary>
public sealed class UnsubscribeQuotaTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static OpenUnsubscriptionMessage Application(int n) =>
        new($"UNCS{n}-01", $"CS{n}", $"SCCS{n}", "PD1", "buyer-1", "SL1", UnsubscribeKind.NotReceived, "reason", 2026, 0, DateTimeOffset.UnixEpoch);

    [Fact(DisplayName = "Seed 000: the 11th application of a year is refused with 409 unsubscribe.quota-exhausted")]
    public void Eleventh_is_refused()
    {
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var renews = QuotaRules.RenewsAt(2026, Shanghai);
        UnsubscribeQuota? q = null;
        for (var n = 1; n <= 10; n++)
        {
            var d = QuotaRules.Claim(q, "Q", Application(n), 10, "Asia/Shanghai", renews, now);
            var claimed = Assert.IsType<QuotaSlotClaimed>(Assert.Single(d.Events));
            Assert.Equal(n, claimed.Claim.Slot);
            Assert.Equal(n, claimed.Application.QuotaSlot);
            q = QuotaRules.Apply(q, claimed);
        }
        Assert.Empty(QuotaRules.Claim(q, "Q", Application(3), 10, "Asia/Shanghai", renews, now).Events); // same application: no new slot

        var refused = QuotaRules.Claim(q, "Q", Application(11), 10, "Asia/Shanghai", renews, now);
        Assert.True(refused.IsRejected);
        Assert.Equal(ErrorKind.Conflict, refused.Error!.Kind);
        Assert.Equal(UnsubscribeErrors.QuotaExhausted, refused.Error.Code);
        Assert.Contains("all 10 hardware unsubscribe applications of 2026", refused.Error.Detail, StringComparison.Ordinal);
        Assert.Contains("2026-12-31T16:00:00Z", refused.Error.Detail, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "The natural year is cut in the billing time zone (Asia/Shanghai: UTC+8)")]
    public void Year_in_the_billing_zone()
    {
        Assert.Equal(2025, QuotaRules.YearOf(new DateTimeOffset(2025, 12, 31, 15, 59, 59, TimeSpan.Zero), Shanghai));
        Assert.Equal(2026, QuotaRules.YearOf(new DateTimeOffset(2025, 12, 31, 16, 0, 0, TimeSpan.Zero), Shanghai));
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero), QuotaRules.RenewsAt(2026, Shanghai));
        Assert.Equal(2026, QuotaRules.YearOf(new DateTimeOffset(2025, 12, 31, 16, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc) + 1);
    }

    [Fact(DisplayName = "Quota ids differ per buyer and year and are safe storage keys")]
    public void Quota_ids()
    {
        var a = QuotaRules.QuotaId("buyer/1#?", 2026);
        Assert.StartsWith("UQ2026-", a, StringComparison.Ordinal);
        Assert.DoesNotContain('/', a);
        Assert.NotEqual(a, QuotaRules.QuotaId("buyer/1#?", 2027));
        Assert.NotEqual(a, QuotaRules.QuotaId("buyer-2", 2026));
    }

    [Fact(DisplayName = "Settings: windows positive, quota at least 1, a known zone")]
    public void Options_validate()
    {
        Assert.Empty(new UnsubscribeOptions().Validate());
        var bad = new UnsubscribeOptions { SellerReviewWindow = TimeSpan.Zero, ReturnWindow = TimeSpan.FromSeconds(-1), YearlyQuota = 0, TimeZone = "Mars/Olympus" };
        Assert.Equal(4, bad.Validate().Count);
    }
}

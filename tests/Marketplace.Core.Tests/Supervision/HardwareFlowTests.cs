using Marketplace.Core.Common;
using Marketplace.Core.Supervision;
using static Marketplace.Core.Tests.Supervision.CaseBuilder;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>§6.5: hardware supervision, one test per row.</summary>
public sealed class HardwareFlowTests
{
    [Fact(DisplayName = "§6.5 #1 (seed 004, P58): a hardware case starts at SellerImplementing with the order phone and a 5-day stall timer")]
    public void Row1_open()
    {
        var b = Open(FlowVariant.Hardware);
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
        Assert.Equal(OrderPhone, b.State.OrderPhone);
        Assert.Equal(b.State.StateEnteredAt + TimeSpan.FromDays(5), b.NextDeadline());
    }

    [Fact(DisplayName = "§6.5 #2 (seed 004): the seller enters the logistics → AwaitingUserAcceptance, no report needed")]
    public void Row2_logistics()
    {
        var b = Open(FlowVariant.Hardware).Do(new SubmitDelivery(Seller, null, null, new Logistics(" SF Express ", "SF1", "13800000000", SignedOffAt: OrderedAt, SignerPhone: "x")));
        Expect.Actions(b.LastEvents, CaseActions.DeliverySubmitted);
        Assert.Equal(CaseState.AwaitingUserAcceptance, b.State.State);
        var logistics = b.State.Logistics!;
        Assert.Equal("SF Express", logistics.Carrier);
        Assert.Equal("SF1", logistics.TrackingNo);
        Assert.Null(logistics.SignedOffAt); // the seller cannot claim a sign-off
        Assert.Null(logistics.SignerPhone);
    }

    [Theory(DisplayName = "§6.5 #2: a hardware delivery without logistics is 422 delivery.logistics-required")]
    [InlineData(null, null)]
    [InlineData("SF Express", "")]
    [InlineData("", "SF1")]
    public void Row2_logistics_required(string? carrier, string? trackingNo)
    {
        var b = Open(FlowVariant.Hardware);
        var logistics = carrier is null ? null : new Logistics(carrier, trackingNo!);
        Expect.Rejected(b.Try(new SubmitDelivery(Seller, [], null, logistics)), ErrorKind.Invalid, CaseErrors.DeliveryLogisticsRequired);
    }

    [Fact(DisplayName = "§6.5 #2: hardware deliveries are not reviewed, whatever the scenario")]
    public void Row2_not_reviewed() =>
        Assert.Equal(CaseState.AwaitingUserAcceptance, Open(FlowVariant.Hardware, Scenario.EnablementCloud).Deliver().State.State);

    [Fact(DisplayName = "§6.5 #3 (P44): the buyer accepts → Completed")]
    public void Row3_accept()
    {
        var b = Open(FlowVariant.Hardware).Deliver().Accept();
        Assert.Equal(CaseState.Completed, b.State.State);
    }

    [Fact(DisplayName = "§6.5 #4 (P44): auto-acceptance 10 days after the sign-off when the phones match, not before")]
    public void Row4_auto_accept_after_ten_days()
    {
        var b = Open(FlowVariant.Hardware).Deliver().WaitDays(2);
        var signedAt = b.Now.AddHours(-3);
        b.SignOff(signedAt, signerPhone: "+86 138-0000-0000");
        Expect.Actions(b.LastEvents, CaseActions.CourierSignedOff);
        Assert.Equal(signedAt, b.State.Logistics!.SignedOffAt);

        var due = signedAt + TimeSpan.FromDays(10);
        Assert.Equal(due, SupervisionRules.HardwareAutoAcceptAt(b.State, b.Options));

        b.Wait(due - b.Now - TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(b.Tick(), e => e is AcceptanceAutoAccepted); // only the stall report may be due
        Assert.Equal(CaseState.AwaitingUserAcceptance, b.State.State);
        Assert.Equal(due, b.NextDeadline());

        b.Wait(TimeSpan.FromSeconds(1));
        Expect.Actions(b.Tick(), CaseActions.AcceptanceAutoAccepted, CaseActions.Completed);
        Assert.Equal(CaseState.Completed, b.State.State);
        Assert.Equal(due, b.State.AcceptedAt);
        Assert.Equal(due, b.State.ActualStartTime);
        Assert.Empty(b.Tick());
    }

    [Fact(DisplayName = "§6.5 #4 (P45): no auto-acceptance when the courier's phone differs from the order's")]
    public void Row4_no_auto_accept_when_phones_differ()
    {
        var b = Open(FlowVariant.Hardware).Deliver().SignOff(signerPhone: "13999999999").WaitDays(1);
        Assert.Empty(b.Tick());
        Assert.Null(SupervisionRules.HardwareAutoAcceptAt(b.State, b.Options));
        b.WaitDays(30);
        Assert.DoesNotContain(b.Tick(), e => e is AcceptanceAutoAccepted);
        Assert.Equal(CaseState.AwaitingUserAcceptance, b.State.State);
        Assert.Null(b.NextDeadline());
    }

    [Fact(DisplayName = "§6.5 #4: without a signer phone the shipment's recipient phone is compared")]
    public void Row4_recipient_phone_fallback()
    {
        var matching = Open(FlowVariant.Hardware).Deliver(recipientPhone: "138 0000 0000").SignOff();
        Assert.NotNull(SupervisionRules.HardwareAutoAcceptAt(matching.State, matching.Options));

        var other = Open(FlowVariant.Hardware).Deliver(recipientPhone: "13700000000").SignOff();
        Assert.Null(SupervisionRules.HardwareAutoAcceptAt(other.State, other.Options));
    }

    [Fact(DisplayName = "§6.5 #4: the window is Supervision:HardwareAutoAcceptAfterSignOff")]
    public void Row4_window_is_configurable()
    {
        var b = Open(FlowVariant.Hardware, options: new SupervisionOptions { HardwareAutoAcceptAfterSignOff = TimeSpan.FromMinutes(5) }).Deliver().SignOff();
        b.Wait(TimeSpan.FromMinutes(5));
        Expect.Actions(b.Tick(), CaseActions.AcceptanceAutoAccepted, CaseActions.Completed);
    }

    [Fact(DisplayName = "§6.5 #4: no auto-acceptance while an appeal is open")]
    public void Row4_no_auto_accept_while_frozen()
    {
        var b = Open(FlowVariant.Hardware).Deliver().SignOff().WaitDays(6).Appeal(Seller).WaitDays(5);
        Assert.Empty(b.Tick());
        Assert.Null(b.NextDeadline());
        b.Resolve(AppealOutcome.Resume);
        Expect.Actions(b.Tick(), CaseActions.AcceptanceAutoAccepted, CaseActions.Completed);
    }

    [Fact(DisplayName = "§6.5 #4: the courier sign-off is recorded by the platform or ops only (403), in AwaitingUserAcceptance only (409)")]
    public void Row4_sign_off_guards()
    {
        var b = Open(FlowVariant.Hardware);
        Expect.InvalidTransition(b.Try(new RecordCourierSignOff(Platform, b.Now)), CaseState.SellerImplementing);
        b.Deliver();
        Expect.Forbidden(b.Try(new RecordCourierSignOff(Seller, b.Now)));
        Expect.Forbidden(b.Try(new RecordCourierSignOff(Buyer, b.Now)));
        Expect.Validation(b.Try(new RecordCourierSignOff(Platform, b.Now.AddMinutes(1))));
        Expect.Validation(b.Try(new RecordCourierSignOff(Platform, b.Now.AddDays(-1))));
        Assert.False(b.Try(new RecordCourierSignOff(Ops, b.Now)).IsRejected);
        Expect.InvalidTransition(Open().ToAcceptance().Try(new RecordCourierSignOff(Platform, OrderedAt.AddMinutes(1))), CaseState.AwaitingUserAcceptance);
    }

    [Fact(DisplayName = "§6.5 #4: the same sign-off recorded twice is a no-op; a frozen case still records it")]
    public void Row4_sign_off_is_a_fact()
    {
        var b = Open(FlowVariant.Hardware).Deliver().SignOff(signerPhone: OrderPhone);
        Assert.Empty(b.Try(new RecordCourierSignOff(Platform, b.State.Logistics!.SignedOffAt!.Value, OrderPhone)).Events);

        var frozen = Open(FlowVariant.Hardware).Deliver().WaitDays(6).Appeal(Seller);
        Assert.False(frozen.Try(new RecordCourierSignOff(Platform, frozen.Now)).IsRejected);
    }

    [Fact(DisplayName = "§6.5 #5 (seed 004): the buyer rejects → SellerImplementing, counted; a new shipment replaces the old")]
    public void Row5_reject()
    {
        var b = Open(FlowVariant.Hardware).Deliver().SignOff().Reject("Damaged on arrival");
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
        Assert.Equal(1, b.State.RejectionCount);

        b.Deliver();
        Assert.Null(b.State.Logistics!.SignedOffAt);
        Assert.Null(SupervisionRules.HardwareAutoAcceptAt(b.State, b.Options));
    }

    [Fact(DisplayName = "§6.5 #6 (seed 004): the buyer may appeal when the seller side stalls more than 5 days")]
    public void Row6_buyer_appeal_on_stall()
    {
        var b = Open(FlowVariant.Hardware).WaitDays(4);
        Expect.Rejected(b.Try(new OpenAppeal(Buyer, "a", "slow")), ErrorKind.Conflict, CaseErrors.AppealNotEligible);
        b.WaitDays(1).Appeal(Buyer);
        Assert.True(b.State.Frozen);
    }

    [Fact(DisplayName = "§6.5 #6 (seed 004): the hardware buyer may appeal once rejections exceed 3, at any step")]
    public void Row6_buyer_appeal_on_rejections()
    {
        var b = Open(FlowVariant.Hardware).RejectTimes(3).Deliver();
        Assert.Equal(CaseState.AwaitingUserAcceptance, b.State.State);
        var three = b.Eligibility().Buyer;
        Assert.False(three.Eligible);
        Assert.Null(three.From);

        b.Reject().Deliver(); // 4 rejections, back at the buyer's own step
        var four = b.Eligibility().Buyer;
        Assert.True(four.Eligible);
        Assert.Equal(AppealRules.HardwareRejections, four.Rule);
        b.Appeal(Buyer);
        Assert.Equal(AppealRules.HardwareRejections, b.State.Appeal!.Rule);
    }

    [Theory(DisplayName = "§6.5 #4: phones are compared by digits, ignoring +86 and separators")]
    [InlineData("13800000000", "13800000000", true)]
    [InlineData("+86 138-0000-0000", "13800000000", true)]
    [InlineData("0086 13800000000", "138 0000 0000", true)]
    [InlineData("13800000001", "13800000000", false)]
    [InlineData("", "", false)]
    public void Phone_normalization(string tracked, string order, bool match)
    {
        var state = Open(FlowVariant.Hardware).Deliver().SignOff(signerPhone: tracked).State with { OrderPhone = order };
        Assert.Equal(match, HardwarePhones.Match(state));
    }
}

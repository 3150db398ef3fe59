using Marketplace.Core.Supervision;
using static Marketplace.Core.Tests.Supervision.CaseBuilder;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>Decisions §16 #11 (stall window) and §6.5 #4: NextDeadline and Tick.</summary>
public sealed class TimerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(5);

    [Fact(DisplayName = "Decisions §16 #11: the stall event fires once the window has elapsed, once per state entry")]
    public void Stall_event_fires_once()
    {
        var b = Open().ToSellerImplementing();
        var entered = b.State.StateEnteredAt;

        b.Wait(Window - TimeSpan.FromTicks(1));
        Assert.Empty(b.Tick());

        b.Wait(TimeSpan.FromTicks(1));
        var e = Assert.IsType<StallWindowElapsed>(Assert.Single(b.Tick()));
        Assert.Equal(CaseActions.StallWindowElapsed, e.Action);
        Assert.Equal(CaseState.SellerImplementing, e.State);
        Assert.Equal(CaseSides.Seller, e.Side);
        Assert.Equal(entered, e.EnteredAt);
        Assert.Equal(entered, b.State.StallNotifiedFor);

        Assert.Empty(b.Tick());
        Assert.Empty(b.WaitDays(20).Tick());
    }

    [Fact(DisplayName = "Tick is idempotent: the same tick twice before applying gives the same events, and nothing after")]
    public void Tick_is_idempotent()
    {
        var b = Open().WaitDays(6);
        var first = SupervisionRules.Tick(b.State, b.Now, b.Options);
        var second = SupervisionRules.Tick(b.State, b.Now, b.Options);
        Assert.Equal(first.Events, second.Events);

        var after = SupervisionRules.ApplyAll(b.State, first.Events)!;
        Assert.Empty(SupervisionRules.Tick(after, b.Now, b.Options).Events);
        Assert.Empty(SupervisionRules.Tick(after, b.Now.AddDays(3), b.Options).Events);
        Assert.Equal(after, SupervisionRules.ApplyAll(after, SupervisionRules.Tick(after, b.Now, b.Options).Events));
    }

    [Fact(DisplayName = "Decisions §16 #11: a new state entry arms the stall event again")]
    public void Stall_event_again_after_re_entry()
    {
        var b = Open().ToSellerImplementing().WaitDays(6);
        Assert.Single(b.Tick());
        b.Deliver();
        Assert.Equal(b.Now + Window, b.NextDeadline());
        b.WaitDays(5);
        var e = Assert.IsType<StallWindowElapsed>(Assert.Single(b.Tick()));
        Assert.Equal(CaseState.AwaitingUserAcceptance, e.State);
        Assert.Equal(CaseSides.Buyer, e.Side);
    }

    [Fact(DisplayName = "NextDeadline: entry + window; null once reported; moves on each entry")]
    public void Next_deadline_follows_the_state()
    {
        var b = Open();
        Assert.Equal(b.State.OpenedAt + Window, b.NextDeadline());

        b.Wait(TimeSpan.FromHours(5)).SubmitRequirement();
        Assert.Equal(b.Now + Window, b.NextDeadline());

        b.WaitDays(7);
        Assert.Equal(b.State.StateEnteredAt + Window, b.NextDeadline()); // overdue: still reported until a tick
        b.Tick();
        Assert.Null(b.NextDeadline());
    }

    [Fact(DisplayName = "NextDeadline/Tick: nothing for the platform review, a frozen case or a finished case")]
    public void No_deadline_without_a_party_step()
    {
        var review = Open(scenario: Scenario.EnablementCloud).ToSellerImplementing().Deliver();
        Assert.Null(review.NextDeadline());
        Assert.Empty(review.WaitDays(30).Tick());

        var frozen = Open().ToSellerImplementing().WaitDays(6).Appeal(Buyer);
        Assert.Null(frozen.NextDeadline());
        Assert.Empty(frozen.WaitDays(30).Tick());

        var done = Open().ToAcceptance().Accept().Do(new ConfirmOrderSync(Platform));
        Assert.Null(done.NextDeadline());
        Assert.Empty(done.WaitDays(30).Tick());
    }

    [Fact(DisplayName = "§6.5 #4: NextDeadline is the earlier of the stall end and the hardware auto-acceptance")]
    public void Next_deadline_with_hardware_auto_acceptance()
    {
        var b = Open(FlowVariant.Hardware).Deliver();
        var stallEnd = b.Now + Window;
        b.WaitDays(1).SignOff();
        var acceptAt = b.Now + TimeSpan.FromDays(10);

        Assert.Equal(stallEnd, b.NextDeadline());
        b.Wait(stallEnd - b.Now);
        Assert.IsType<StallWindowElapsed>(Assert.Single(b.Tick()));
        Assert.Equal(acceptAt, b.NextDeadline());

        var quick = Open(FlowVariant.Hardware, options: new SupervisionOptions { HardwareAutoAcceptAfterSignOff = TimeSpan.FromDays(1) }).Deliver().SignOff();
        Assert.Equal(quick.Now + TimeSpan.FromDays(1), quick.NextDeadline());
    }

    [Fact(DisplayName = "§6.5 #4: a tick with both due auto-accepts and completes (no stall report)")]
    public void Auto_accept_wins_over_stall()
    {
        var b = Open(FlowVariant.Hardware).Deliver().SignOff().WaitDays(10);
        Expect.Actions(b.Tick(), CaseActions.AcceptanceAutoAccepted, CaseActions.Completed);
        Assert.Empty(b.Tick());
    }
}

using Marketplace.Core.Common;
using Marketplace.Core.Supervision;
using static Marketplace.Core.Tests.Supervision.CaseBuilder;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>Seed 003: the order follows a completed case within 3 hours; the case tells it until it confirms.</summary>
public sealed class OrderSyncTests
{
    [Fact(DisplayName = "Seed 003: completion tells the order at once; unconfirmed, the case tells it again after a sixth of the window")]
    public void Unconfirmed_sync_is_resent()
    {
        var b = Open().ToAcceptance().Accept();
        Assert.Equal(CaseState.Completed, b.State.State);
        Assert.Equal(b.Now, b.State.OrderSyncSentAt);
        var resendAt = b.Now + b.Options.CompletionSyncWithin / 6;
        Assert.Equal(resendAt, SupervisionRules.NextDeadline(b.State, b.Options));

        Assert.Empty(SupervisionRules.Tick(b.State, resendAt.AddSeconds(-1), b.Options).Events);
        var resent = Assert.Single(SupervisionRules.Tick(b.State, resendAt, b.Options).Events);
        Assert.IsType<OrderSyncResent>(resent);
    }

    [Fact(DisplayName = "Seed 003: the order's confirmation stops the resends; a repeat changes nothing")]
    public void Confirmation_stops_the_resends()
    {
        var b = Open().ToAcceptance().Accept();
        b.Do(new ConfirmOrderSync(Platform));
        Assert.IsType<OrderSynced>(Assert.Single(b.LastEvents));
        Assert.Null(SupervisionRules.NextDeadline(b.State, b.Options));
        Assert.Empty(b.Try(new ConfirmOrderSync(Platform)).Events);
        Assert.False(b.Try(new ConfirmOrderSync(Platform)).IsRejected);
    }

    [Fact(DisplayName = "Only the platform confirms the sync, and only for an ended case")]
    public void Confirmation_guards()
    {
        var b = Open().ToAcceptance();
        Expect.Rejected(b.Try(new ConfirmOrderSync(Platform)), ErrorKind.Conflict, "case.invalid-transition");
        b.Accept();
        Expect.Rejected(b.Try(new ConfirmOrderSync(Ops)), ErrorKind.Forbidden, "auth.forbidden");
    }
}

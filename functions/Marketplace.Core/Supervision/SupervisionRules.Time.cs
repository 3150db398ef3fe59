using Marketplace.Core.Common;

namespace Marketplace.Core.Supervision;

public static partial class SupervisionRules
{
    /// <summary>
    /// The earliest moment at which time alone changes something, or null when nothing is pending: the end of the
    /// current state's stall window (if not yet marked elapsed), and for hardware the auto-acceptance at the courier
    /// sign-off plus <see cref="SupervisionOptions.HardwareAutoAcceptAfterSignOff"/> when the phones match.
    /// The moment may already be past when a tick is overdue; the scheduler then wakes the case at once.
    /// A frozen or finished case has no deadline.
    /// </summary>
    public static DateTimeOffset? NextDeadline(SupervisionCase state, SupervisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        if (state.IsTerminal) return OrderSyncResendAt(state, options);
        if (state.Frozen) return null;

        var stall = PendingStallEnd(state, options);
        var autoAccept = HardwareAutoAcceptAt(state, options);
        if (stall is null) return autoAccept;
        if (autoAccept is null) return stall;
        return stall < autoAccept ? stall : autoAccept;
    }

    /// <summary>
    /// Emits what is due at <paramref name="now"/>: the hardware auto-acceptance (then the completion), else
    /// <c>stall.window-elapsed</c> once per state entry. Nothing when nothing is due, so a repeated or late
    /// wake-up is harmless.
    /// </summary>
    public static Decision<CaseEvent> Tick(SupervisionCase state, DateTimeOffset now, SupervisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        // Seed 003: the order must follow an ended case within the sync window; until it confirms, tell it again.
        if (state.IsTerminal)
        {
            return OrderSyncResendAt(state, options) is { } resendAt && now >= resendAt
                ? Decision<CaseEvent>.Accept(new OrderSyncResent(now))
                : Decision<CaseEvent>.Accept();
        }

        // Seed 000: a frozen case waits for the operations manager; timers change nothing meanwhile.
        if (state.Frozen) return Decision<CaseEvent>.Accept();

        // §6.5 #4 (P44): 10 days after the courier sign-off, when the phones match, the platform accepts.
        if (HardwareAutoAcceptAt(state, options) is { } acceptAt && now >= acceptAt)
        {
            return Decision<CaseEvent>.Accept(
                new AcceptanceAutoAccepted(now, AcceptanceAutoAccepted.HardwareSignOff),
                new CaseCompleted(now));
        }

        // decisions §16 #11: the stall window of the current state has passed; said once per state entry.
        if (PendingStallEnd(state, options) is { } stallEnd && now >= stallEnd)
            return Decision<CaseEvent>.Accept(new StallWindowElapsed(now, state.State, SideOf(state.State), state.StateEnteredAt));

        return Decision<CaseEvent>.Accept();
    }

    /// <summary>§6.5 #4: when the hardware auto-acceptance falls due, or null (not signed off, phones differ, other state or flow).</summary>
    public static DateTimeOffset? HardwareAutoAcceptAt(SupervisionCase state, SupervisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        return state is { Flow: FlowVariant.Hardware, State: CaseState.AwaitingUserAcceptance, Logistics.SignedOffAt: { } signedOff }
               && HardwarePhones.Match(state)
            ? signedOff + options.HardwareAutoAcceptAfterSignOff
            : null;
    }

    /// <summary>
    /// When the current state's stall window ends (StateEnteredAt + StallWindow), for a buyer or seller step.
    /// The platform's review step has no stall rule (no party can appeal about it).
    /// </summary>
    public static DateTimeOffset? StallWindowEnd(SupervisionCase state, SupervisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        var side = SideOf(state.State);
        return side is CaseSides.Buyer or CaseSides.Seller ? state.StateEnteredAt + options.StallWindow : null;
    }

    /// <summary>
    /// Seed 003: an ended case tells its order at once; if the order has not confirmed after a sixth of
    /// <see cref="SupervisionOptions.CompletionSyncWithin"/>, it is told again, so it follows well within the window.
    /// </summary>
    public static DateTimeOffset? OrderSyncResendAt(SupervisionCase state, SupervisionOptions options) =>
        state is { IsTerminal: true, OrderSyncedAt: null, OrderSyncSentAt: { } sent } ? sent + options.CompletionSyncWithin / 6 : null;

    private static DateTimeOffset? PendingStallEnd(SupervisionCase state, SupervisionOptions options) =>
        state.StallNotifiedFor == state.StateEnteredAt ? null : StallWindowEnd(state, options);
}

namespace Marketplace.Core.Supervision;

public static partial class SupervisionRules
{
    /// <summary>
    /// Who may appeal at <paramref name="now"/> (decisions §16 #10, domain §13). Under the Conditional policy:
    /// the seller at its own step after <see cref="SupervisionOptions.RejectionsBeforeAppeal"/> buyer rejections, or when a
    /// buyer step has sat longer than the stall window; the buyer when a seller step has sat longer than the stall
    /// window, or (hardware) when rejections exceed the same number. Under AnyTime: either party, any open step.
    /// Nobody while an appeal is open or once the case is finished.
    /// </summary>
    public static AppealEligibility Eligibility(SupervisionCase state, DateTimeOffset now, SupervisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);

        if (state.IsTerminal)
        {
            var done = new PartyEligibility(false, null, AppealRules.CaseFinished, $"The case is {state.State}; there is nothing left to appeal.");
            return new AppealEligibility(done, done);
        }
        if (state.Frozen)
        {
            // Seed 000: one appeal freezes the case; a second one waits until the operations manager resolves it.
            var open = new PartyEligibility(false, null, AppealRules.AppealOpen,
                $"Appeal {state.Appeal!.AppealId} is open; the operations manager handles it first.");
            return new AppealEligibility(open, open);
        }
        if (options.AppealPolicy == AppealPolicy.AnyTime)
        {
            // Seed 003: "either party may appeal at any node and at any time".
            var any = new PartyEligibility(true, state.StateEnteredAt, AppealRules.AnyTime, "Either party may appeal at any step, at any time.");
            return new AppealEligibility(any, any);
        }

        return new AppealEligibility(BuyerEligibility(state, now, options), SellerEligibility(state, now, options));
    }

    private static PartyEligibility SellerEligibility(SupervisionCase s, DateTimeOffset now, SupervisionOptions o)
    {
        var side = SideOf(s.State);
        var needed = o.RejectionsBeforeAppeal;
        switch (side)
        {
            case CaseSides.Seller when s.RejectionCount >= needed:
                // Seed 000: "after being rejected by the user 3 times, the seller may appeal at the 4th operation".
                return new PartyEligibility(true, s.StateEnteredAt, AppealRules.SellerAfterRejections,
                    $"The buyer rejected the delivery {s.RejectionCount} times; the seller may appeal at its next step.");
            case CaseSides.Seller:
                return new PartyEligibility(false, null, AppealRules.OwnStep,
                    $"The case waits for the seller; the seller may appeal here only after {needed} buyer rejections (so far {s.RejectionCount}).");
            case CaseSides.Buyer:
                {
                    // Seed 000: the user-side step (requirement / acceptance) has stayed more than 5 days.
                    var from = s.StateEnteredAt + o.StallWindow;
                    return now >= from
                        ? new PartyEligibility(true, from, AppealRules.BuyerStepStalled,
                            $"The case has waited for the buyer in {s.State} since {s.StateEnteredAt:O}, longer than {Days(o.StallWindow)}.")
                        : new PartyEligibility(false, from, AppealRules.BuyerStepStalled,
                            $"The seller may appeal once the case has waited for the buyer in {s.State} for {Days(o.StallWindow)}, from {from:O}.");
                }
            default:
                return new PartyEligibility(false, null, AppealRules.PlatformStep,
                    "The case waits for the platform review; no appeal until it moves on.");
        }
    }

    private static PartyEligibility BuyerEligibility(SupervisionCase s, DateTimeOffset now, SupervisionOptions o)
    {
        var needed = o.RejectionsBeforeAppeal;
        // Seed 004: the hardware buyer may appeal when "the number of rejections exceeds 3", at any step.
        if (s.Flow == FlowVariant.Hardware && s.RejectionCount > needed)
        {
            return new PartyEligibility(true, s.StateEnteredAt, AppealRules.HardwareRejections,
                $"The buyer rejected the hardware delivery {s.RejectionCount} times, more than {needed}.");
        }

        var side = SideOf(s.State);
        if (side == CaseSides.Seller)
        {
            // Seed 000 / seed 004: the seller-side step has stayed more than 5 days.
            var from = s.StateEnteredAt + o.StallWindow;
            return now >= from
                ? new PartyEligibility(true, from, AppealRules.SellerStepStalled,
                    $"The case has waited for the seller in {s.State} since {s.StateEnteredAt:O}, longer than {Days(o.StallWindow)}.")
                : new PartyEligibility(false, from, AppealRules.SellerStepStalled,
                    $"The buyer may appeal once the case has waited for the seller in {s.State} for {Days(o.StallWindow)}, from {from:O}.");
        }

        var hardwareHint = s.Flow == FlowVariant.Hardware ? $", or after more than {needed} rejections (so far {s.RejectionCount})" : "";
        return side == CaseSides.Buyer
            ? new PartyEligibility(false, null, AppealRules.OwnStep,
                $"The case waits for the buyer; the buyer may appeal only when a seller step stalls for {Days(o.StallWindow)}{hardwareHint}.")
            : new PartyEligibility(false, null, AppealRules.PlatformStep,
                $"The case waits for the platform review; no appeal until it moves on{hardwareHint}.");
    }

    private static string Days(TimeSpan window) =>
        window.TotalDays >= 1 && window.TotalDays == Math.Floor(window.TotalDays)
            ? $"{window.TotalDays:0} day{(window.TotalDays == 1 ? "" : "s")}"
            : window.ToString();
}

namespace Marketplace.Core.Supervision;

/// <summary>
/// Whether one party may appeal now. <see cref="From"/> is when the party becomes (or became) eligible, e.g.
/// StateEnteredAt + StallWindow, so a frontend can count down; null when no passage of time alone makes the party
/// eligible. <see cref="Rule"/> is a stable code of the rule that applies or failed (<see cref="AppealRules"/>),
/// <see cref="Explanation"/> a sentence for people (used in the <c>appeal.not-eligible</c> detail).
/// </summary>
public sealed record PartyEligibility(bool Eligible, DateTimeOffset? From, string Rule, string Explanation);

/// <summary>The appeal eligibility of both parties at one moment.</summary>
public sealed record AppealEligibility(PartyEligibility Buyer, PartyEligibility Seller);

/// <summary>The stable rule codes of <see cref="PartyEligibility.Rule"/>.</summary>
public static class AppealRules
{
    /// <summary>Policy AnyTime (seed 003): either party, any step, any time.</summary>
    public const string AnyTime = "any-time";

    /// <summary>Seed 000: the seller, at its own step, after N buyer rejections ("at the 4th operation").</summary>
    public const string SellerAfterRejections = "seller-after-rejections";

    /// <summary>Seed 000: the seller, when a buyer step (requirement, acceptance) has sat longer than the stall window.</summary>
    public const string BuyerStepStalled = "buyer-step-stalled";

    /// <summary>Seed 000, seed 004: the buyer, when a seller step has sat longer than the stall window.</summary>
    public const string SellerStepStalled = "seller-step-stalled";

    /// <summary>Seed 004: the hardware buyer, when rejections exceed N.</summary>
    public const string HardwareRejections = "hardware-buyer-rejections";

    /// <summary>Not eligible: the case waits for the party itself (and no rejection rule applies).</summary>
    public const string OwnStep = "own-step";

    /// <summary>Not eligible: the case waits for the platform review.</summary>
    public const string PlatformStep = "platform-step";

    /// <summary>Not eligible: an appeal is already open.</summary>
    public const string AppealOpen = "appeal-open";

    /// <summary>Not eligible: the case is completed or closed.</summary>
    public const string CaseFinished = "case-finished";
}

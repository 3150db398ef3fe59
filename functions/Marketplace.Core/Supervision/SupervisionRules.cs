using Marketplace.Core.Common;

namespace Marketplace.Core.Supervision;

/// <summary>
/// The supervision case as a pure state machine (domain §6.2, §6.2-L2, §6.2-D, §6.5, §13):
/// <see cref="Decide"/> turns a command into events or a rejection, <see cref="Apply"/> folds an event into the
/// snapshot, <see cref="NextDeadline"/> and <see cref="Tick"/> handle the moments at which time alone changes
/// something, and <see cref="Eligibility"/> says who may appeal. No I/O, no clock, no random ids.
/// Row 12 of §6.2 ("supervision overdue", auto-unsubscribe) is left out: its threshold is not known (§16 #17).
/// </summary>
public static partial class SupervisionRules
{
    /// <summary>The side that is expected to act in a state: <c>buyer</c>, <c>seller</c>, <c>platform</c>, or <c>none</c> when terminal.</summary>
    public static string SideOf(CaseState state) => state switch
    {
        // §6.2 state table: 用户提交需求 and 用户确认验收 are the user's side (seed 000 "用户方操作流程").
        CaseState.AwaitingRequirement or CaseState.AwaitingUserAcceptance => CaseSides.Buyer,
        // §6.2 / §6.2-L2: confirming, implementing, activating the code and uploading the proof are the seller's side.
        CaseState.AwaitingRequirementConfirmation or CaseState.SellerImplementing
            or CaseState.LicenseActivation or CaseState.SellerUploadProof => CaseSides.Seller,
        // §6.2: 华为云复核 is the platform's side.
        CaseState.PlatformReview => CaseSides.Platform,
        _ => CaseSides.None,
    };

    /// <summary>Seed 003: the order status follows a completed case within this moment (for the order sync).</summary>
    public static DateTimeOffset? CompletionSyncDeadline(SupervisionCase state, SupervisionOptions options) =>
        state.CompletedAt + options.CompletionSyncWithin;
}

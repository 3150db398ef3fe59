namespace Marketplace.Core.Supervision;

/// <summary>
/// Every window of the supervision case, bound from the configuration section <c>Supervision</c>
/// (e.g. <c>Supervision:StallWindow = 5.00:00:00</c>). Tests shrink the windows to seconds.
/// </summary>
public sealed class SupervisionOptions
{
    public const string SectionName = "Supervision";

    /// <summary>
    /// How long a case may sit in one state before the other side may appeal.
    /// Seed 000 / seed 004: "more than 5 days"; decisions §16 #11: calendar time since the state was entered.
    /// </summary>
    public TimeSpan StallWindow { get; set; } = TimeSpan.FromDays(5);

    /// <summary>Decisions §16 #10: conditional (seeds 000/004) by default, or any time (seed 003).</summary>
    public AppealPolicy AppealPolicy { get; set; } = AppealPolicy.Conditional;

    /// <summary>
    /// Seed 000: after 3 buyer rejections the seller may appeal (at the 4th operation);
    /// seed 004: the hardware buyer may appeal when rejections exceed this number.
    /// </summary>
    public int RejectionsBeforeAppeal { get; set; } = 3;

    /// <summary>§6.5 #4 (public hardware rules): auto-acceptance 10 days after the courier sign-off.</summary>
    public TimeSpan HardwareAutoAcceptAfterSignOff { get; set; } = TimeSpan.FromDays(10);

    /// <summary>
    /// Seed 003: the order's status follows a completed case within 3 hours. The case itself completes at once
    /// (decisions, "Completion"); the use-case layer uses this window for the order status sync.
    /// </summary>
    public TimeSpan CompletionSyncWithin { get; set; } = TimeSpan.FromHours(3);

    /// <summary>Problems with the values, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (StallWindow <= TimeSpan.Zero) problems.Add("Supervision:StallWindow must be positive.");
        if (HardwareAutoAcceptAfterSignOff <= TimeSpan.Zero) problems.Add("Supervision:HardwareAutoAcceptAfterSignOff must be positive.");
        if (CompletionSyncWithin <= TimeSpan.Zero) problems.Add("Supervision:CompletionSyncWithin must be positive.");
        if (RejectionsBeforeAppeal < 0) problems.Add("Supervision:RejectionsBeforeAppeal must not be negative.");
        if (!Enum.IsDefined(AppealPolicy)) problems.Add("Supervision:AppealPolicy must be Conditional or AnyTime.");
        return problems;
    }
}

namespace Marketplace.Core.Supervision;

/// <summary>
/// The snapshot of one supervision case (服务监管单). Immutable: <see cref="SupervisionRules.Apply"/> returns a new one.
/// The storage version (ETag) is kept outside.
/// </summary>
public sealed record SupervisionCase
{
    public required string CaseId { get; init; }
    public required string OrderId { get; init; }
    public required string ProductId { get; init; }
    public required string BuyerId { get; init; }
    public required string SellerId { get; init; }
    public required FlowVariant Flow { get; init; }
    public required Scenario Scenario { get; init; }

    /// <summary>When the order was placed: decides the requirement confirmation step (§6.2 #2).</summary>
    public required DateTimeOffset OrderedAt { get; init; }

    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>Hardware: the recipient phone captured at order (seed 004), compared at sign-off (§6.5 #4).</summary>
    public string? OrderPhone { get; init; }

    public required CaseState State { get; init; }

    /// <summary>When the case entered <see cref="State"/> (or came back to it after an appeal): the stall window starts here.</summary>
    public required DateTimeOffset StateEnteredAt { get; init; }

    /// <summary>Buyer rejections of a delivery in this case (decisions §16 #12).</summary>
    public int RejectionCount { get; init; }

    public Requirement? Requirement { get; init; }
    public IReadOnlyList<ReportRef> Reports { get; init; } = [];

    /// <summary>Appeal evidence the parties uploaded (seed 001: material for the operations manager).</summary>
    public IReadOnlyList<EvidenceRef> Evidence { get; init; } = [];
    public IReadOnlyList<DeliveryRecord> Deliveries { get; init; } = [];

    /// <summary>Hardware: the logistics of the latest delivery, with the courier sign-off once known.</summary>
    public Logistics? Logistics { get; init; }

    /// <summary>§6.10: the delivery's actual start time, else the acceptance time; License 2.0: the activation time.</summary>
    public DateTimeOffset? ActualStartTime { get; init; }

    /// <summary>License 2.0: when the buyer received the code (§6.2-L2 #2); the code can be activated from then on.</summary>
    public DateTimeOffset? LicenseReceivedAt { get; init; }

    /// <summary>License 2.0: when the code was activated (§6.2-L2 #3).</summary>
    public DateTimeOffset? LicenseActivatedAt { get; init; }

    public DateTimeOffset? AcceptedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>When the order was last told that the case ended (completion, closure, or a resend).</summary>
    public DateTimeOffset? OrderSyncSentAt { get; init; }

    /// <summary>When the order confirmed it follows the ended case; until then the case resends.</summary>
    public DateTimeOffset? OrderSyncedAt { get; init; }

    /// <summary>The current (open) or the last (resolved) appeal.</summary>
    public Appeal? Appeal { get; init; }

    /// <summary>
    /// The <see cref="StateEnteredAt"/> for which <c>stall.window-elapsed</c> was emitted, so the event fires once per
    /// state entry.
    /// </summary>
    public DateTimeOffset? StallNotifiedFor { get; init; }

    /// <summary>Seed 000: while an appeal is open the case is frozen and only the operations manager acts.</summary>
    public bool Frozen => Appeal is { Status: AppealStatus.Open };

    public bool IsTerminal => State.IsTerminal();

    public string Side => SupervisionRules.SideOf(State);
}

using System.Text.Json.Serialization;
using Marketplace.Core.Catalogue;

namespace Marketplace.Core.Licenses;

/// <summary>
/// Where a License 2.0 code (授权码) stands (domain §6.8). <c>Issued</c> when the order is paid, <c>Received</c> when
/// the buyer confirmed receipt (§6.2-L2 #2), <c>Alive</c> once the seller's software activated it, <c>Frozen</c> and back
/// by <c>updateLicenseCodeStatus</c>, <c>Released</c> for good by <c>releaseLicenseCode</c> (or when the case closes).
/// EXPIRED is not a stored status: the view derives it from the expiry time.
/// </summary>
public enum LicenseStatus
{
    Issued,
    Received,
    Alive,
    Frozen,
    Released,
}

/// <summary>
/// The license code of one License 2.0 order, with the queue of its calls to the seller. Pure data: built and changed
/// only by <see cref="LicenseRules.Apply"/>. The id is the order's (<c>LC{orderId}</c>); the code itself is a secret
/// shared by the buyer, the seller and the seller's software, so it never appears in a URL.
/// </summary>
public sealed record LicenseCode
{
    public required string LicenseId { get; init; }

    /// <summary>The code: <c>PL</c> and 24 characters (§5.8: at most 64).</summary>
    public required string Code { get; init; }
    public required string OrderId { get; init; }
    public required string OrderLineId { get; init; }
    public required string CaseId { get; init; }
    public required string ProductId { get; init; }
    public required string BuyerId { get; init; }
    public required string SellerId { get; init; }
    public required ChargingMode ChargingMode { get; init; }
    public int? PeriodMonths { get; init; }
    public required DateTimeOffset OrderedAt { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }

    public LicenseStatus Status { get; init; }
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>Seed 002: the service's actual start time.</summary>
    public DateTimeOffset? ActivatedAt { get; init; }

    /// <summary>The end of the bought period (activation + months), moved by renewals; null for one-time licenses.</summary>
    public DateTimeOffset? ExpireTime { get; init; }

    /// <summary>How the supervision case ended: <c>completed</c> or <c>closed</c> (null while it runs).</summary>
    public string? Supervision { get; init; }
    public DateTimeOffset? SupervisionEndedAt { get; init; }
    public DateTimeOffset? ReleasedAt { get; init; }
    public string? ReleaseReason { get; init; }
    public IReadOnlyList<LicenseChange> Changes { get; init; } = [];

    /// <summary>Calls about the code go out one at a time, in order (§7.10): the one under way and those waiting.</summary>
    public string? ActiveCallId { get; init; }
    public IReadOnlyList<QueuedInstanceCall> QueuedCalls { get; init; } = [];
    public int CallCount { get; init; }

    [JsonIgnore]
    public bool IsActivated => ActivatedAt is not null;
}

/// <summary>One change of the code as its parties see it: renewal, renewal-period unsubscribe, freeze, unfreeze, release.</summary>
public sealed record LicenseChange(string Kind, string? OrderId, DateTimeOffset At, string? Detail = null);

/// <summary>Outbox message: a License 2.0 order was placed (issue its code; idempotent).</summary>
public sealed record IssueLicenseMessage(string OrderId);

/// <summary>Outbox message from a License 2.0 case: the code was received or activated, or the case ended. The handler reads the case.</summary>
public sealed record LicenseCaseMessage(string CaseId, string OrderId);

/// <summary>Index row: a code and the license it belongs to (the code is unique: claiming it twice fails).</summary>
public sealed record LicenseCodeClaim(string Code, string LicenseId, DateTimeOffset ClaimedAt);

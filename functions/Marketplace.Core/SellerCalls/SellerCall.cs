using System.Text.Json.Serialization;
using Marketplace.Core.Common;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.SellerCalls;

/// <summary>Where a seller call stands (domain.md §6.4).</summary>
public enum SellerCallStatus
{
    /// <summary>Queued: the first attempt (or the first after a seller retry) is due at <see cref="SellerCall.NextAttemptAt"/>.</summary>
    Pending,
    /// <summary>At least one attempt failed; the next one is due at <see cref="SellerCall.NextAttemptAt"/>.</summary>
    Retrying,
    /// <summary>The seller answered 000004: the platform polls queryInstance (or repeats newInstance when no instanceId came back).</summary>
    InProgress,
    /// <summary>Terminal: the seller answered 000000 (and, after a 000004, returned the instance information).</summary>
    Succeeded,
    /// <summary>Automatic retries stopped (retry window spent, or a Kit call failed). The seller may retry or, for newInstance, deliver by hand.</summary>
    Parked,
    /// <summary>Terminal: the seller delivered a parked newInstance by hand.</summary>
    ManuallyDelivered,
}

/// <summary>One attempt as shown in the seller's "production interface messages".</summary>
public sealed record SellerCallAttempt(
    int Number,
    DateTimeOffset At,
    string Activity,
    string? BusinessId,
    string RequestBody,
    int? HttpStatus,
    string? ResultCode,
    string? ResultMsg,
    string? Error,
    long LatencyMs,
    bool BodySignMismatch,
    SellerOutcomeKind Outcome,
    SellerFailure Failure);

/// <summary>What a successful call produced: the instance id (newInstance) and the app info (after polling).</summary>
public sealed record SellerCallResult(string? InstanceId, AppInfo? AppInfo);

/// <summary>A repeated newInstance returned another instanceId: the first one is kept.</summary>
public sealed record InstanceIdMismatch(string Kept, string Returned, int AttemptNumber, DateTimeOffset At);

/// <summary>The seller delivered a parked newInstance by hand.</summary>
public sealed record ManualDelivery(string InstanceId, string? Note, Actor By, DateTimeOffset At);

/// <summary>
/// Snapshot of one call to a seller's production interface (domain.md §5.5, §6.4; decisions row 1). Pure data: built
/// and changed only by <see cref="SellerCallMachine.Apply"/>.
/// </summary>
public sealed record SellerCall
{
    public required string CallId { get; init; }
    public required string SellerId { get; init; }
    public required string ProductId { get; init; }
    public required string Activity { get; init; }
    public string? OrderId { get; init; }
    public string? OrderLineId { get; init; }

    /// <summary>The platform order the call works for (the instance's origin order), when there is one. The body's
    /// <see cref="OrderId"/> may name another order (a renewal or upgrade order) or none (status changes).</summary>
    public string? OrderRef { get; init; }

    /// <summary>The instance the call is about: the target of refresh/status/release/upgrade, or for newInstance the
    /// first instanceId the seller returned (kept if a later answer differs).</summary>
    public string? InstanceId { get; init; }

    /// <summary>The stable request body in canonical form; newInstance templates have no businessId (a fresh one goes on each attempt).</summary>
    public required string Payload { get; init; }

    /// <summary>Kit (federated sync) call: parks on its first failure, no automatic retry.</summary>
    public bool KitCall { get; init; }

    public SellerCallStatus Status { get; init; }
    public IReadOnlyList<SellerCallAttempt> Attempts { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FirstAttemptAt { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>When the next attempt (or poll) is due; null when terminal or parked.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Start of the current retry window: creation, or the latest seller retry.</summary>
    public DateTimeOffset WindowStartedAt { get; init; }

    /// <summary><see cref="WindowStartedAt"/> + RetryWindow: no automatic attempt is scheduled after it.</summary>
    public DateTimeOffset Deadline { get; init; }

    /// <summary>Failed attempts in the current window (the backoff index).</summary>
    public int FailuresInWindow { get; init; }

    /// <summary>How many windows the call has had (1 + seller retries).</summary>
    public int Window { get; init; } = 1;

    /// <summary>While <see cref="SellerCallStatus.InProgress"/>: the instance polled with queryInstance (null: repeat newInstance).</summary>
    public string? PollInstanceId { get; init; }

    public SellerCallResult? Result { get; init; }
    public InstanceIdMismatch? InstanceIdMismatch { get; init; }
    public DateTimeOffset? ParkedAt { get; init; }
    public string? ParkedReason { get; init; }
    public ManualDelivery? ManualDelivery { get; init; }

    [JsonIgnore]
    public bool IsTerminal => Status is SellerCallStatus.Succeeded or SellerCallStatus.ManuallyDelivered;

    /// <summary>Pending, Retrying or InProgress: an automatic attempt is scheduled.</summary>
    [JsonIgnore]
    public bool IsActive => Status is SellerCallStatus.Pending or SellerCallStatus.Retrying or SellerCallStatus.InProgress;

    /// <summary>The stored request template.</summary>
    public SellerRequest ToTemplate() => SellerRequest.FromBody(Activity, Payload);
}

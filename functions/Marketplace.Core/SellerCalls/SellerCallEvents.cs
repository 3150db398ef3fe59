using Marketplace.Core.Common;

namespace Marketplace.Core.SellerCalls;

/// <summary>An event of the seller-call aggregate.</summary>
public interface ISellerCallEvent : IDomainEvent
{
    string CallId { get; }

    DateTimeOffset At { get; }

    /// <summary>True when the seller must be told (email, SMS, in-site) — every failed attempt and every park (§7.6).
    /// The use case turns it into a notification with <see cref="SellerCallNotice.For"/>.</summary>
    bool NotifySeller => false;
}

public sealed record SellerCallCreated(
    string CallId,
    DateTimeOffset At,
    string SellerId,
    string ProductId,
    string Activity,
    string Payload,
    string? OrderId,
    string? OrderLineId,
    string? InstanceId,
    bool KitCall,
    DateTimeOffset Deadline,
    string? OrderRef = null) : ISellerCallEvent
{
    public string Action => "call.created";
}

/// <summary>An attempt failed. <see cref="NextAttemptAt"/> is null when no attempt fits in the window (a <see cref="SellerCallParked"/> follows).</summary>
public sealed record SellerCallAttemptFailed(string CallId, DateTimeOffset At, SellerCallAttempt Attempt, int FailureNumber, DateTimeOffset? NextAttemptAt)
    : ISellerCallEvent
{
    public string Action => "call.attempt-failed";

    public string? Reason => Attempt.Error;

    public bool NotifySeller => true;
}

/// <summary>The seller is still processing (a 000004, or a poll without the instance information yet).</summary>
public sealed record SellerCallInProgress(
    string CallId,
    DateTimeOffset At,
    SellerCallAttempt Attempt,
    string? PollInstanceId,
    DateTimeOffset? NextAttemptAt,
    InstanceIdMismatch? Mismatch = null) : ISellerCallEvent
{
    public string Action => "call.in-progress";

    public string? Reason => Attempt.Error ?? Attempt.ResultMsg;
}

public sealed record SellerCallSucceeded(string CallId, DateTimeOffset At, SellerCallAttempt Attempt, SellerCallResult Result, InstanceIdMismatch? Mismatch)
    : ISellerCallEvent
{
    public string Action => "call.succeeded";

    public string? Reason => Mismatch is null ? null : $"the seller returned instanceId {Mismatch.Returned}; {Mismatch.Kept} is kept";
}

public sealed record SellerCallParked(string CallId, DateTimeOffset At, string ParkReason) : ISellerCallEvent
{
    public string Action => "call.parked";

    public string? Reason => ParkReason;

    public bool NotifySeller => true;
}

public sealed record SellerCallRetried(string CallId, DateTimeOffset At, Actor By, DateTimeOffset Deadline) : ISellerCallEvent
{
    public string Action => "call.retried";
}

public sealed record SellerCallManuallyDelivered(string CallId, DateTimeOffset At, Actor By, string InstanceId, string? Note) : ISellerCallEvent
{
    public string Action => "call.manually-delivered";

    public string? Reason => Note;
}

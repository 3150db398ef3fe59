using Marketplace.Core.Common;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.SellerCalls;

public interface ISellerCallCommand;

/// <summary>
/// Queue a call. <paramref name="Request"/> is the activity's request (for newInstance with or without a businessId:
/// it is dropped, each attempt gets a new one). <paramref name="Discriminator"/> separates repeatable calls with the same
/// business key (see <see cref="SellerCallKeys.For(SellerRequest, string?)"/>). Creating an existing call with the same
/// payload changes nothing. <paramref name="OrderRef"/> names the platform order the call works for (the instance's
/// origin order), so the call's outcome can be reported back to it; it takes no part in the call id.
/// </summary>
public sealed record CreateSellerCall(string SellerId, string ProductId, SellerRequest Request, string? Discriminator = null, string? OrderRef = null) : ISellerCallCommand
{
    public string CallId => SellerCallKeys.For(Request, Discriminator);
}

/// <summary>
/// Record one attempt: the request actually sent (with its businessId), when it started, how long it took and what the
/// classifier made of the answer (<see cref="SellerResponseClassifier"/>).
/// </summary>
public sealed record RecordSellerCallAttempt(DateTimeOffset At, SellerRequest Request, SellerOutcome Outcome, long LatencyMs) : ISellerCallCommand;

/// <summary>The seller (or ops) restarts a parked call ("重新启动"): a fresh retry window starting now.</summary>
public sealed record RetrySellerCall(Actor By) : ISellerCallCommand;

/// <summary>The seller (or ops) delivers a parked newInstance by hand, entering the instanceId and a note.</summary>
public sealed record DeliverSellerCallManually(Actor By, string InstanceId, string? Note) : ISellerCallCommand;

/// <summary>Time passed: parks a call whose retry window ended before its next attempt was made.</summary>
public sealed record TickSellerCall : ISellerCallCommand
{
    public static TickSellerCall Instance { get; } = new();
}

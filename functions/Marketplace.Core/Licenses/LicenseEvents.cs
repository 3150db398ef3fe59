using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;

namespace Marketplace.Core.Licenses;

/// <summary>Something that happened to a license code. Events carry what <see cref="LicenseRules.Apply"/> needs.</summary>
public abstract record LicenseEvent(DateTimeOffset At) : IDomainEvent
{
    public abstract string Action { get; }

    public virtual string? Reason => null;
}

/// <summary>§6.2-L2 #1: the platform issued the code of a paid License 2.0 order.</summary>
public sealed record LicenseIssued(DateTimeOffset At, LicenseCode License) : LicenseEvent(At)
{
    public override string Action => "license.issued";
}

/// <summary>§6.2-L2 #2: the buyer received the code; it can be activated from now on (P39: 92020004 before).</summary>
public sealed record LicenseReceived(DateTimeOffset At, DateTimeOffset ReceivedAt) : LicenseEvent(At)
{
    public override string Action => "license.received";
}

/// <summary>§6.2-L2 #3 (seed 002): the code was activated; the period runs from the activation time.</summary>
public sealed record LicenseActivated(DateTimeOffset At, DateTimeOffset ActivatedAt, DateTimeOffset? ExpireTime) : LicenseEvent(At)
{
    public override string Action => "license.activated";
}

/// <summary>The order's supervision case ended (<c>completed</c> or <c>closed</c>).</summary>
public sealed record LicenseSupervisionEnded(DateTimeOffset At, string Outcome, DateTimeOffset EndedAt) : LicenseEvent(At)
{
    public override string Action => "license.supervision-ended";
    public override string? Reason => Outcome;
}

/// <summary>§6.8: renewal (RENEWAL) or renewal-period unsubscribe (UNSUBSCRIBE_RENEWAL_PERIOD) with the new expiry.</summary>
public sealed record LicenseRenewed(DateTimeOffset At, string Scene, string OrderId, string OrderLineId, DateTimeOffset ExpireTime) : LicenseEvent(At)
{
    public override string Action => Scene == "RENEWAL" ? "license.renewed" : "license.renewal-unsubscribed";
}

public sealed record LicenseFrozen(DateTimeOffset At, string Why) : LicenseEvent(At)
{
    public override string Action => "license.frozen";
    public override string? Reason => Why;
}

public sealed record LicenseUnfrozen(DateTimeOffset At, string Why) : LicenseEvent(At)
{
    public override string Action => "license.unfrozen";
    public override string? Reason => Why;
}

/// <summary>§6.8: released for good; <see cref="OrderId"/> is the unsubscribe order when the buyer unsubscribed.</summary>
public sealed record LicenseReleased(DateTimeOffset At, string Why, string? OrderId, string? OrderLineId) : LicenseEvent(At)
{
    public override string Action => "license.released";
    public override string? Reason => Why;
}

/// <summary>A call to the seller about the code joined the code's queue.</summary>
public sealed record LicenseCallQueued(DateTimeOffset At, QueuedInstanceCall Call) : LicenseEvent(At)
{
    public override string Action => "license.call-queued";
    public override string? Reason => Call.Activity;
}

/// <summary>The call under way ended (succeeded or delivered by hand); the next one goes out.</summary>
public sealed record LicenseCallFinished(DateTimeOffset At, string CallId, string Activity, string Outcome) : LicenseEvent(At)
{
    public override string Action => "license.call-finished";
    public override string? Reason => $"{Activity} {Outcome}";
}

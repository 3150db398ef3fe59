namespace Marketplace.Core.Common;

/// <summary>
/// What an aggregate's <c>Decide</c> returns: the events to apply, or a rejection. Never both.
/// An accepted decision with no events is a no-op (e.g. a repeated command that changes nothing).
/// </summary>
public readonly record struct Decision<TEvent>
{
    private Decision(IReadOnlyList<TEvent> events, DomainError? error)
    {
        Events = events;
        Error = error;
    }

    public IReadOnlyList<TEvent> Events { get; }
    public DomainError? Error { get; }
    public bool IsRejected => Error is not null;

    public static Decision<TEvent> Accept(params TEvent[] events) => new(events, null);
    public static Decision<TEvent> Accept(IReadOnlyList<TEvent> events) => new(events, null);
    public static Decision<TEvent> Reject(DomainError error) => new([], error);

    public static implicit operator Decision<TEvent>(DomainError error) => Reject(error);
}

/// <summary>
/// Every event says what happened in audit terms; the aggregate store turns each one into an audit entry
/// (who, role, action, from, to, reason, at) chained to the previous one.
/// </summary>
public interface IDomainEvent
{
    /// <summary>Stable action name for the timeline, e.g. <c>requirement.submitted</c>.</summary>
    string Action { get; }

    /// <summary>Free-text why (a rejection reason, an appeal reason), or null.</summary>
    string? Reason => null;
}

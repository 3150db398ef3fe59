using Marketplace.Core.Persistence;

namespace Marketplace.Core.Scheduling;

/// <summary>
/// Wakes an aggregate at a moment. The durable truth is the deadline stored on the aggregate's snapshot; the
/// scheduler only makes sure someone looks at it then. Server: an in-memory timer heap loaded at start-up.
/// Functions: a Durable orchestration per aggregate. Delivery is at-least-once; a tick is idempotent.
/// </summary>
public interface IScheduler
{
    void Schedule(WakeUp wakeUp);
}

/// <summary>Moves committed outbox rows onto the work queue (and marks them dispatched).</summary>
public interface IOutboxDispatcher
{
    void Dispatch(string kind, string aggregateId, IReadOnlyList<OutboxMessage> messages);
}

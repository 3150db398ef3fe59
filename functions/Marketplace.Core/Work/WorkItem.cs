using Marketplace.Core.Persistence;

namespace Marketplace.Core.Work;

/// <summary>
/// A unit of work on the work queue: wake an aggregate (<see cref="Tick"/>) or deliver an outbox message
/// (<see cref="Outbox"/>). Carries everything the handler needs, so any worker can take it.
/// </summary>
public sealed record WorkItem(string Type, string Kind, string Id, string? Topic = null, string? Payload = null, string? MessageId = null)
{
    public const string Tick = "tick";
    public const string Outbox = "outbox";

    public static WorkItem ForTick(WakeUp w) => new(Tick, w.Kind, w.Id);
    public static WorkItem ForOutbox(string kind, string id, OutboxMessage m) => new(Outbox, kind, id, m.Topic, m.Payload, m.MessageId);
}

/// <summary>The queue that carries work due now (Server: a Storage queue; Functions: Service Bus).</summary>
public interface IWorkQueue
{
    Task EnqueueAsync(WorkItem item, CancellationToken ct);
}

/// <summary>Handles the outbox messages of one topic. Must be idempotent: delivery is at-least-once.</summary>
public interface IOutboxHandler
{
    string Topic { get; }
    Task HandleAsync(WorkItem item, CancellationToken ct);
}

/// <summary>Runs the timer step of one aggregate kind.</summary>
public interface ITickHandler
{
    string Kind { get; }
    Task TickAsync(string id, CancellationToken ct);
}

/// <summary>Routes a work item to its handler; the hosts' queue triggers call this and nothing else.</summary>
public sealed class WorkRouter(IEnumerable<IOutboxHandler> outboxHandlers, IEnumerable<ITickHandler> tickHandlers)
{
    private readonly Dictionary<string, IOutboxHandler> _outbox = outboxHandlers.ToDictionary(h => h.Topic);
    private readonly Dictionary<string, ITickHandler> _ticks = tickHandlers.ToDictionary(h => h.Kind);

    public IEnumerable<string> TickKinds => _ticks.Keys;

    public Task HandleAsync(WorkItem item, CancellationToken ct) => item.Type switch
    {
        WorkItem.Tick when _ticks.TryGetValue(item.Kind, out var t) => t.TickAsync(item.Id, ct),
        WorkItem.Outbox when item.Topic is not null && _outbox.TryGetValue(item.Topic, out var h) => h.HandleAsync(item, ct),
        _ => throw new InvalidOperationException($"No handler for work item {item.Type} {item.Kind}/{item.Topic}."),
    };
}

/// <summary>Moves committed outbox rows onto the work queue, then marks them dispatched.</summary>
public sealed class OutboxRelay(IAggregateStore store, IWorkQueue queue)
{
    public async Task RelayAsync(string kind, string aggregateId, OutboxMessage message, CancellationToken ct)
    {
        await queue.EnqueueAsync(WorkItem.ForOutbox(kind, aggregateId, message), ct);
        await store.MarkDispatchedAsync(kind, aggregateId, message.MessageId, ct);
    }

    /// <summary>Start-up recovery: rows committed by a process that died before it sent them.</summary>
    public async Task<int> RecoverAsync(IEnumerable<string> kinds, CancellationToken ct)
    {
        var count = 0;
        foreach (var kind in kinds)
            await foreach (var (id, message) in store.PendingOutboxAsync(kind, ct))
            {
                await RelayAsync(kind, id, message, ct);
                count++;
            }
        return count;
    }
}

/// <summary>An aggregate kind the host stores: its deadlines load into the scheduler and its outbox is recovered at start-up.</summary>
public sealed record StoredKind(string Kind);

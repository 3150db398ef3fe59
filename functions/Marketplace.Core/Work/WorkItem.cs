using System.Text.Json;
using Marketplace.Core.Persistence;

namespace Marketplace.Core.Work;

/// <summary>
/// A unit of work on the work queue: wake an aggregate (<see cref="Tick"/>) or deliver an outbox message
/// (<see cref="Outbox"/>). Carries everything the handler needs, so any worker can take it, except a payload too long
/// for a queue message: that one stays in its outbox row and the item only names it (<see cref="StoredOutbox"/>).
/// </summary>
public sealed record WorkItem(string Type, string Kind, string Id, string? Topic = null, string? Payload = null, string? MessageId = null)
{
    public const string Tick = "tick";
    public const string Outbox = "outbox";

    /// <summary>An outbox message whose payload is read from its outbox row when the item is handled.</summary>
    public const string StoredOutbox = "outbox-stored";

    /// <summary>
    /// The longest payload that travels inside the work item. A Storage queue message holds 48 KiB of text and a
    /// payload character may take up to 6 bytes once the work item is JSON-encoded (<c>"</c> becomes <c>\u0022</c>);
    /// longer payloads are read from the outbox row instead.
    /// </summary>
    public const int MaxInlinePayloadChars = 7 * 1024;

    public static WorkItem ForTick(WakeUp w) => new(Tick, w.Kind, w.Id);

    /// <summary>The outbox message's payload as the type its topic carries.</summary>
    public T Read<T>() => JsonSerializer.Deserialize<T>(Payload ?? throw new InvalidDataException($"Work item {Type} {Kind}/{Id} has no payload."), CoreJson.Options)!;

    public static WorkItem ForOutbox(string kind, string id, OutboxMessage m) => m.Payload.Length <= MaxInlinePayloadChars
        ? new(Outbox, kind, id, m.Topic, m.Payload, m.MessageId)
        : new(StoredOutbox, kind, id, m.Topic, null, m.MessageId);
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

/// <summary>
/// Routes a work item to its handler; the hosts' queue triggers call this and nothing else. A
/// <see cref="WorkItem.StoredOutbox"/> item gets its payload from its outbox row, which is deleted once the handler
/// succeeded; a row already gone means an earlier delivery of the same item was handled.
/// </summary>
public sealed class WorkRouter(IEnumerable<IOutboxHandler> outboxHandlers, IEnumerable<ITickHandler> tickHandlers, IAggregateStore store)
{
    private readonly Dictionary<string, IOutboxHandler> _outbox = outboxHandlers.ToDictionary(h => h.Topic);
    private readonly Dictionary<string, ITickHandler> _ticks = tickHandlers.ToDictionary(h => h.Kind);

    public IEnumerable<string> TickKinds => _ticks.Keys;

    public Task HandleAsync(WorkItem item, CancellationToken ct) => item.Type switch
    {
        WorkItem.Tick when _ticks.TryGetValue(item.Kind, out var t) => t.TickAsync(item.Id, ct),
        WorkItem.Outbox when item.Topic is not null && _outbox.TryGetValue(item.Topic, out var h) => h.HandleAsync(item, ct),
        WorkItem.StoredOutbox when item.Topic is not null && item.MessageId is not null && _outbox.TryGetValue(item.Topic, out var h) => HandleStoredAsync(h, item, ct),
        _ => throw new InvalidOperationException($"No handler for work item {item.Type} {item.Kind}/{item.Topic}."),
    };

    private async Task HandleStoredAsync(IOutboxHandler handler, WorkItem item, CancellationToken ct)
    {
        var stored = await store.FindOutboxAsync(item.Kind, item.Id, item.MessageId!, ct);
        if (stored is null) return; // handled already (delivery is at-least-once)
        await handler.HandleAsync(item with { Type = WorkItem.Outbox, Payload = stored.Payload }, ct);
        await store.MarkDispatchedAsync(item.Kind, item.Id, item.MessageId!, ct);
    }
}

/// <summary>
/// Moves committed outbox rows onto the work queue, then marks them dispatched. A row whose payload is too long for a
/// queue message stays until its handler ran (<see cref="WorkRouter"/> deletes it); recovery may send it again meanwhile,
/// which the handlers' idempotency absorbs.
/// </summary>
public sealed class OutboxRelay(IAggregateStore store, IWorkQueue queue)
{
    public async Task RelayAsync(string kind, string aggregateId, OutboxMessage message, CancellationToken ct)
    {
        var item = WorkItem.ForOutbox(kind, aggregateId, message);
        await queue.EnqueueAsync(item, ct);
        if (item.Type == WorkItem.Outbox) await store.MarkDispatchedAsync(kind, aggregateId, message.MessageId, ct);
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

using System.Text.Json;
using Marketplace.Core.Common;
using Marketplace.Core.Scheduling;
using Microsoft.Extensions.Logging;

namespace Marketplace.Core.Persistence;

/// <summary>The outcome of a command: the aggregate after it (version included), or the rejection.</summary>
public sealed record CommandResult<TState>(TState? State, long Version, DomainError? Error, bool Changed)
    where TState : class
{
    public bool IsRejected => Error is not null;
}

/// <summary>
/// Runs one command against one aggregate: load with ETag, decide, apply, and write snapshot + audit + outbox in one
/// transaction. A concurrent writer makes the write fail with 412; the runner then reloads and decides again, so
/// the loser sees the winner's state (and usually gets a 409 from the rules). After the commit it asks the scheduler
/// to wake the aggregate at its next deadline and hands the outbox to the dispatcher.
/// </summary>
public sealed class AggregateRunner(
    IAggregateStore store,
    IScheduler scheduler,
    IOutboxDispatcher dispatcher,
    TimeProvider time,
    ILogger<AggregateRunner> logger)
{
    private const int MaxAttempts = 5;

    public async Task<(TState State, long Version)?> LoadAsync<TState, TEvent>(AggregateDefinition<TState, TEvent> def, string id, CancellationToken ct)
        where TState : class where TEvent : IDomainEvent
    {
        var record = await store.LoadAsync(def.Kind, id, ct);
        return record is null ? null : (Deserialize(def, record), record.Version);
    }

    public Task<CommandResult<TState>> ExecuteAsync<TState, TEvent>(
        AggregateDefinition<TState, TEvent> def, string id, Actor actor,
        Func<TState?, DateTimeOffset, Decision<TEvent>> decide, CancellationToken ct)
        where TState : class where TEvent : IDomainEvent
        => RunAsync(def, id, actor, decide, ct);

    /// <summary>Wakes the aggregate: runs its timer step if the stored version is the one the wake-up was for (or any, when null).</summary>
    public async Task TickAsync<TState, TEvent>(AggregateDefinition<TState, TEvent> def, string id, CancellationToken ct)
        where TState : class where TEvent : IDomainEvent
    {
        if (def.Tick is null) return;
        var result = await RunAsync<TState, TEvent>(def, id, Actor.Platform,
            (state, now) => state is null ? Decision<TEvent>.Accept() : def.Tick(state, now), ct);
        if (result.IsRejected)
            logger.LogWarning("Timer step of {Kind} {Id} was rejected: {Code} {Detail}", def.Kind, id, result.Error!.Code, result.Error.Detail);
    }

    private async Task<CommandResult<TState>> RunAsync<TState, TEvent>(
        AggregateDefinition<TState, TEvent> def, string id, Actor actor,
        Func<TState?, DateTimeOffset, Decision<TEvent>> decide, CancellationToken ct)
        where TState : class where TEvent : IDomainEvent
    {
        for (var attempt = 1; ; attempt++)
        {
            var record = await store.LoadAsync(def.Kind, id, ct);
            var state = record is null ? null : Deserialize(def, record);
            var now = time.GetUtcNow();
            var decision = decide(state, now);
            if (decision.IsRejected) return new(state, record?.Version ?? 0, decision.Error, false);
            if (decision.Events.Count == 0) return new(state, record?.Version ?? 0, null, false);

            var (next, audit, outbox) = Fold(def, id, record, state, decision.Events, actor, now);
            var newRecord = new AggregateRecord(
                def.Kind, id, (record?.Version ?? 0) + 1, JsonSerializer.Serialize(next, def.Json),
                (record?.AuditCount ?? 0) + audit.Count, audit.Count > 0 ? audit[^1].Hash : record?.AuditHead ?? AuditChain.Genesis,
                def.NextDeadline(next), def.Tags(next));
            try
            {
                var saved = await store.SaveAsync(newRecord, record?.ETag, audit, outbox, ct);
                if (saved.NextDeadline is { } due) scheduler.Schedule(new WakeUp(def.Kind, id, saved.Version, due));
                if (outbox.Count > 0) dispatcher.Dispatch(def.Kind, id, outbox);
                return new(next, saved.Version, null, true);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                logger.LogDebug("Concurrent change of {Kind} {Id}; deciding again (attempt {Attempt})", def.Kind, id, attempt + 1);
            }
            catch (ConcurrencyConflictException)
            {
                return new(state, record?.Version ?? 0,
                    DomainError.Conflict("concurrency.conflict", $"The {def.Kind} {id} is being changed by someone else; try again."), false);
            }
        }
    }

    private static (TState Next, List<AuditEntry> Audit, List<OutboxMessage> Outbox) Fold<TState, TEvent>(
        AggregateDefinition<TState, TEvent> def, string id, AggregateRecord? record, TState? state,
        IReadOnlyList<TEvent> events, Actor actor, DateTimeOffset now)
        where TState : class where TEvent : IDomainEvent
    {
        var audit = new List<AuditEntry>(events.Count);
        var outbox = new List<OutboxMessage>();
        var head = record?.AuditHead ?? AuditChain.Genesis;
        var seq = record?.AuditCount ?? 0;
        var version = (record?.Version ?? 0) + 1;
        var current = state;
        foreach (var e in events)
        {
            var from = current is null ? null : def.StateName(current);
            var after = def.Apply(current, e);
            var entry = AuditChain.Append(id, head, ++seq, now, actor.Id, actor.Role.ToClaim(), e.Action, from,
                def.StateName(after), e.Reason, JsonSerializer.Serialize(e, e.GetType(), def.Json));
            audit.Add(entry);
            head = entry.Hash;
            var n = 0;
            foreach (var (topic, payload) in def.Outbox(after, e))
                outbox.Add(new OutboxMessage($"{version:D10}-{seq:D6}-{n++:D2}", topic, JsonSerializer.Serialize(payload, payload.GetType(), def.Json)));
            current = after;
        }
        return (current!, audit, outbox);
    }

    private static TState Deserialize<TState, TEvent>(AggregateDefinition<TState, TEvent> def, AggregateRecord record)
        where TState : class where TEvent : IDomainEvent
        => JsonSerializer.Deserialize<TState>(record.StateJson, def.Json)
           ?? throw new InvalidDataException($"{def.Kind} {record.Id} has an empty snapshot.");
}

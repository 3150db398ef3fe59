namespace Marketplace.Core.Persistence;

/// <summary>
/// An aggregate as stored: its snapshot (JSON), version, the head of its audit chain, the next moment at which time
/// alone changes it, and a few searchable tags (e.g. buyerId, sellerId, state) for listings.
/// </summary>
public sealed record AggregateRecord(
    string Kind,
    string Id,
    long Version,
    string StateJson,
    long AuditCount,
    string AuditHead,
    DateTimeOffset? NextDeadline,
    IReadOnlyDictionary<string, string> Tags,
    string? ETag = null);

/// <summary>A message written in the same transaction as the state change that caused it, then dispatched.</summary>
public sealed record OutboxMessage(string MessageId, string Topic, string Payload);

/// <summary>A moment at which an aggregate must be woken (its <see cref="AggregateRecord.NextDeadline"/>).</summary>
public sealed record WakeUp(string Kind, string Id, long Version, DateTimeOffset At);

/// <summary>Another writer changed the aggregate since it was loaded (HTTP 412 from storage).</summary>
public sealed class ConcurrencyConflictException(string kind, string id)
    : Exception($"{kind} {id} was changed by someone else.")
{
    public string Kind { get; } = kind;
    public string Id { get; } = id;
}

/// <summary>
/// Stores each aggregate in its own partition: the snapshot, its audit entries and its pending outbox rows,
/// all written in one entity-group transaction with ETag concurrency.
/// </summary>
public interface IAggregateStore
{
    Task<AggregateRecord?> LoadAsync(string kind, string id, CancellationToken ct);

    /// <summary>
    /// Writes the new snapshot (insert when <paramref name="etag"/> is null, else replace if-match), the new audit
    /// entries and the outbox rows atomically. Returns the stored record with its new ETag.
    /// Throws <see cref="ConcurrencyConflictException"/> when the ETag is stale or the aggregate already exists.
    /// </summary>
    Task<AggregateRecord> SaveAsync(AggregateRecord record, string? etag, IReadOnlyList<AuditEntry> audit, IReadOnlyList<OutboxMessage> outbox, CancellationToken ct);

    IAsyncEnumerable<AuditEntry> ReadAuditAsync(string kind, string id, CancellationToken ct);

    /// <summary>One audit entry by its sequence number (1-based), or null.</summary>
    Task<AuditEntry?> FindAuditAsync(string kind, string id, long sequence, CancellationToken ct);

    /// <summary>Every aggregate of a kind whose snapshot carries a deadline (start-up load of the timer heap).</summary>
    IAsyncEnumerable<WakeUp> DeadlinesAsync(string kind, CancellationToken ct);

    /// <summary>Outbox rows not yet dispatched (start-up recovery after a crash between commit and send).</summary>
    IAsyncEnumerable<(string AggregateId, OutboxMessage Message)> PendingOutboxAsync(string kind, CancellationToken ct);

    Task MarkDispatchedAsync(string kind, string aggregateId, string messageId, CancellationToken ct);

    /// <summary>An outbox row not yet marked dispatched, or null (a payload too long for the work queue is read from here).</summary>
    Task<OutboxMessage?> FindOutboxAsync(string kind, string aggregateId, string messageId, CancellationToken ct);

    /// <summary>Snapshots of a kind whose tags match every given tag value (null tags: all).</summary>
    IAsyncEnumerable<AggregateRecord> QueryAsync(string kind, IReadOnlyDictionary<string, string>? tags, CancellationToken ct);
}

using System.Runtime.CompilerServices;
using Marketplace.Core.Persistence;
using Marketplace.Storage.Tables;

namespace Marketplace.Storage.Aggregates;

/// <summary>
/// Aggregates on Tables: one table per kind, one partition per aggregate. The partition holds the snapshot
/// (<c>snapshot</c>), the audit entries (<c>audit-0000000001</c>...) and the outbox rows not yet dispatched
/// (<c>outbox-...</c>); a save writes all of them in one entity-group transaction guarded by the snapshot's ETag.
/// </summary>
public sealed class TableAggregateStore(TableProvisioner tables) : IAggregateStore
{
    private const string SnapshotRow = "snapshot";
    private const string AuditPrefix = "audit-";
    private const string OutboxPrefix = "outbox-";
    private const string TagPrefix = "t_";

    public async Task<AggregateRecord?> LoadAsync(string kind, string id, CancellationToken ct)
    {
        var table = await tables.GetAsync(kind, ct);
        var e = await table.GetAsync(id, SnapshotRow, cancellationToken: ct);
        return e is null ? null : ToRecord(kind, e);
    }

    public async Task<AggregateRecord> SaveAsync(AggregateRecord record, string? etag, IReadOnlyList<AuditEntry> audit, IReadOnlyList<OutboxMessage> outbox, CancellationToken ct)
    {
        var table = await tables.GetAsync(record.Kind, ct);
        var actions = new List<TableTransactionAction>(1 + audit.Count + outbox.Count)
        {
            etag is null
                ? new TableTransactionAction(TableTransactionActionType.Add, ToEntity(record))
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(record), etag),
        };
        foreach (var a in audit) actions.Add(new(TableTransactionActionType.Add, ToEntity(record.Id, a)));
        foreach (var m in outbox) actions.Add(new(TableTransactionActionType.Add, ToEntity(record.Id, m)));
        try
        {
            var etags = await table.SubmitTransactionAsync(actions, ct);
            return record with { ETag = etags[0] };
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            throw new ConcurrencyConflictException(record.Kind, record.Id);
        }
    }

    public async IAsyncEnumerable<AuditEntry> ReadAuditAsync(string kind, string id, [EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(kind, ct);
        var filter = $"PartitionKey eq {TableFilter.Quote(id)} and RowKey ge '{AuditPrefix}' and RowKey lt 'audit.'";
        await foreach (var e in table.QueryAsync(filter, cancellationToken: ct))
            yield return ToAudit(e);
    }

    public async Task<AuditEntry?> FindAuditAsync(string kind, string id, long sequence, CancellationToken ct)
    {
        var table = await tables.GetAsync(kind, ct);
        var e = await table.GetAsync(id, $"{AuditPrefix}{sequence:D10}", cancellationToken: ct);
        return e is null ? null : ToAudit(e);
    }

    private static AuditEntry ToAudit(TableEntity e) => new(
        e.GetInt64("Sequence") ?? 0, e.GetDateTimeOffset("At") ?? default, e.GetString("Actor") ?? "", e.GetString("Role") ?? "",
        e.GetString("Action") ?? "", e.GetString("FromState"), e.GetString("ToState"), e.GetString("Reason"),
        ChunkedText.Read(e, "Data"), e.GetString("PreviousHash") ?? "", e.GetString("Hash") ?? "");

    public async IAsyncEnumerable<WakeUp> DeadlinesAsync(string kind, [EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(kind, ct);
        await foreach (var e in table.QueryAsync($"RowKey eq '{SnapshotRow}' and HasDeadline eq true", ["PartitionKey", "Version", "NextDeadline"], cancellationToken: ct))
            if (e.GetDateTimeOffset("NextDeadline") is { } at)
                yield return new WakeUp(kind, e.PartitionKey, e.GetInt64("Version") ?? 0, at);
    }

    public async IAsyncEnumerable<(string AggregateId, OutboxMessage Message)> PendingOutboxAsync(string kind, [EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(kind, ct);
        await foreach (var e in table.QueryAsync($"RowKey ge '{OutboxPrefix}' and RowKey lt 'outbox.'", cancellationToken: ct))
            yield return (e.PartitionKey, ToOutbox(e));
    }

    public async Task<OutboxMessage?> FindOutboxAsync(string kind, string aggregateId, string messageId, CancellationToken ct)
    {
        var table = await tables.GetAsync(kind, ct);
        var e = await table.GetAsync(aggregateId, OutboxPrefix + messageId, cancellationToken: ct);
        return e is null ? null : ToOutbox(e);
    }

    private static OutboxMessage ToOutbox(TableEntity e) =>
        new(e.RowKey[OutboxPrefix.Length..], e.GetString("Topic") ?? "", ChunkedText.Read(e, "Payload") ?? "");

    public async Task MarkDispatchedAsync(string kind, string aggregateId, string messageId, CancellationToken ct)
    {
        var table = await tables.GetAsync(kind, ct);
        try { await table.DeleteEntityAsync(aggregateId, OutboxPrefix + messageId, "*", ct); }
        catch (StorageNotFoundException) { } // already dispatched by another relay
    }

    public async IAsyncEnumerable<AggregateRecord> QueryAsync(string kind, IReadOnlyDictionary<string, string>? tags, [EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(kind, ct);
        var filter = $"RowKey eq '{SnapshotRow}'";
        foreach (var (name, value) in tags ?? new Dictionary<string, string>())
            filter += $" and {TagPrefix}{name} eq {TableFilter.Quote(value)}";
        await foreach (var e in table.QueryAsync(filter, cancellationToken: ct))
            yield return ToRecord(kind, e);
    }

    private static TableEntity ToEntity(AggregateRecord r)
    {
        var e = new TableEntity(r.Id, SnapshotRow)
        {
            ["Version"] = r.Version,
            ["AuditCount"] = r.AuditCount,
            ["AuditHead"] = r.AuditHead,
            ["HasDeadline"] = r.NextDeadline is not null,
        };
        if (r.NextDeadline is { } d) e["NextDeadline"] = d;
        foreach (var (name, value) in r.Tags) e[TagPrefix + name] = value;
        ChunkedText.Write(e, "State", r.StateJson);
        return e;
    }

    private static AggregateRecord ToRecord(string kind, TableEntity e)
    {
        var tags = new Dictionary<string, string>();
        foreach (var key in e.Keys)
            if (key.StartsWith(TagPrefix, StringComparison.Ordinal) && e.GetString(key) is { } v)
                tags[key[TagPrefix.Length..]] = v;
        return new AggregateRecord(kind, e.PartitionKey, e.GetInt64("Version") ?? 0, ChunkedText.Read(e, "State") ?? "null",
            e.GetInt64("AuditCount") ?? 0, e.GetString("AuditHead") ?? AuditChain.Genesis, e.GetDateTimeOffset("NextDeadline"), tags, e.ETag);
    }

    private static TableEntity ToEntity(string id, AuditEntry a)
    {
        var e = new TableEntity(id, $"{AuditPrefix}{a.Sequence:D10}")
        {
            ["Sequence"] = a.Sequence,
            ["At"] = a.At,
            ["Actor"] = a.Actor,
            ["Role"] = a.Role,
            ["Action"] = a.Action,
            ["FromState"] = a.FromState,
            ["ToState"] = a.ToState,
            ["Reason"] = a.Reason,
            ["PreviousHash"] = a.PreviousHash,
            ["Hash"] = a.Hash,
        };
        ChunkedText.Write(e, "Data", a.Data);
        return e;
    }

    private static TableEntity ToEntity(string id, OutboxMessage m)
    {
        var e = new TableEntity(id, OutboxPrefix + m.MessageId) { ["Topic"] = m.Topic };
        ChunkedText.Write(e, "Payload", m.Payload);
        return e;
    }
}

using Marketplace.Core.Persistence;
using Marketplace.Core.Work;

namespace Marketplace.Core.Tests.Work;

/// <summary>An outbox payload too long for a queue message travels by reference: the work item names its outbox row.</summary>
public class StoredOutboxTests
{
    private static readonly OutboxMessage Short = new("0000000001-000001-00", "topic", "{\"a\":1}");
    private static readonly OutboxMessage Long = new("0000000001-000002-00", "topic", "{\"a\":\"" + new string('x', WorkItem.MaxInlinePayloadChars) + "\"}");

    [Fact]
    public async Task A_short_payload_travels_in_the_item_and_its_row_is_deleted_at_once()
    {
        var (store, queue) = (new OutboxStore(), new ListQueue());
        store.Rows[Short.MessageId] = Short;
        await new OutboxRelay(store, queue).RelayAsync("k", "a1", Short, CancellationToken.None);

        var item = Assert.Single(queue.Items);
        Assert.Equal((WorkItem.Outbox, Short.Payload), (item.Type, item.Payload));
        Assert.Empty(store.Rows);
    }

    [Fact]
    public async Task A_long_payload_is_read_from_its_row_when_handled_and_the_row_goes_after_the_handler_succeeded()
    {
        var (store, queue, handler) = (new OutboxStore(), new ListQueue(), new RecordingHandler());
        store.Rows[Long.MessageId] = Long;
        await new OutboxRelay(store, queue).RelayAsync("k", "a1", Long, CancellationToken.None);

        var item = Assert.Single(queue.Items);
        Assert.Equal((WorkItem.StoredOutbox, null, Long.MessageId), (item.Type, item.Payload, item.MessageId));
        Assert.True(store.Rows.ContainsKey(Long.MessageId)); // kept for the handler

        var router = new WorkRouter([handler], [], store);
        handler.Fail = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => router.HandleAsync(item, CancellationToken.None));
        Assert.True(store.Rows.ContainsKey(Long.MessageId)); // a failed handler leaves it for the next delivery

        handler.Fail = false;
        await router.HandleAsync(item, CancellationToken.None);
        Assert.Equal(Long.Payload, Assert.Single(handler.Payloads));
        Assert.Empty(store.Rows);

        await router.HandleAsync(item, CancellationToken.None); // a repeated delivery finds the row gone: already handled
        Assert.Single(handler.Payloads);
    }

    private sealed class RecordingHandler : IOutboxHandler
    {
        public bool Fail { get; set; }
        public List<string?> Payloads { get; } = [];
        public string Topic => "topic";

        public Task HandleAsync(WorkItem item, CancellationToken ct)
        {
            if (Fail) throw new InvalidOperationException("handler failed");
            Assert.Equal(WorkItem.Outbox, item.Type);
            Payloads.Add(item.Payload);
            return Task.CompletedTask;
        }
    }

    private sealed class ListQueue : IWorkQueue
    {
        public List<WorkItem> Items { get; } = [];

        public Task EnqueueAsync(WorkItem item, CancellationToken ct)
        {
            Items.Add(item);
            return Task.CompletedTask;
        }
    }

    private sealed class OutboxStore : IAggregateStore
    {
        public Dictionary<string, OutboxMessage> Rows { get; } = [];

        public Task<OutboxMessage?> FindOutboxAsync(string kind, string aggregateId, string messageId, CancellationToken ct) => Task.FromResult(Rows.GetValueOrDefault(messageId));

        public Task MarkDispatchedAsync(string kind, string aggregateId, string messageId, CancellationToken ct)
        {
            Rows.Remove(messageId);
            return Task.CompletedTask;
        }

        public Task<AggregateRecord?> LoadAsync(string kind, string id, CancellationToken ct) => throw new NotSupportedException();
        public Task<AggregateRecord> SaveAsync(AggregateRecord record, string? etag, IReadOnlyList<AuditEntry> audit, IReadOnlyList<OutboxMessage> outbox, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<AuditEntry> ReadAuditAsync(string kind, string id, CancellationToken ct) => throw new NotSupportedException();
        public Task<AuditEntry?> FindAuditAsync(string kind, string id, long sequence, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<WakeUp> DeadlinesAsync(string kind, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<(string AggregateId, OutboxMessage Message)> PendingOutboxAsync(string kind, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<AggregateRecord> QueryAsync(string kind, IReadOnlyDictionary<string, string>? tags, CancellationToken ct) => throw new NotSupportedException();
    }
}

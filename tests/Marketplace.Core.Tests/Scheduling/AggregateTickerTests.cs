using Marketplace.Core.Persistence;
using Marketplace.Core.Scheduling;
using Marketplace.Core.Work;

namespace Marketplace.Core.Tests.Scheduling;

public class AggregateTickerTests
{
    private static readonly DateTimeOffset Due = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Runs_the_timer_step_then_returns_the_deadline_the_aggregate_now_has()
    {
        var store = new OneRecordStore();
        var handler = new RecordingTick("case", () => store.Record = store.Record! with { Version = 8, NextDeadline = Due.AddDays(5) });
        store.Record = Record(7, Due);
        var ticker = new AggregateTicker(new WorkRouter([], [handler], store), store);

        var next = await ticker.TickAsync("case", "c1", Due, CancellationToken.None);

        Assert.Equal(["c1"], handler.Ticked);
        Assert.Equal(new Deadline(8, Due.AddDays(5)), next);
    }

    [Fact]
    public async Task A_deadline_that_did_not_move_past_the_handled_one_is_not_returned_so_the_timer_cannot_spin()
    {
        var store = new OneRecordStore { Record = Record(7, Due) };
        var ticker = new AggregateTicker(new WorkRouter([], [new RecordingTick("case", () => { })], store), store);

        Assert.Equal(new Deadline(7, null), await ticker.TickAsync("case", "c1", Due, CancellationToken.None));

        store.Record = Record(7, Due.AddMinutes(-1));
        Assert.Equal(new Deadline(7, null), await ticker.TickAsync("case", "c1", Due, CancellationToken.None));
    }

    [Fact]
    public async Task An_aggregate_that_is_gone_or_has_no_deadline_has_no_next_deadline()
    {
        var store = new OneRecordStore();
        var ticker = new AggregateTicker(new WorkRouter([], [new RecordingTick("case", () => { })], store), store);
        Assert.Equal(Deadline.None, await ticker.TickAsync("case", "c1", Due, CancellationToken.None));

        store.Record = Record(4, null);
        Assert.Equal(new Deadline(4, null), await ticker.TickAsync("case", "c1", Due, CancellationToken.None));
    }

    [Fact]
    public async Task A_kind_without_a_tick_handler_fails_so_the_host_retries_and_reports_it()
    {
        var store = new OneRecordStore();
        var ticker = new AggregateTicker(new WorkRouter([], [], store), store);
        await Assert.ThrowsAsync<InvalidOperationException>(() => ticker.TickAsync("case", "c1", Due, CancellationToken.None));
    }

    private static AggregateRecord Record(long version, DateTimeOffset? next) =>
        new("case", "c1", version, "{}", 0, AuditChain.Genesis, next, new Dictionary<string, string>());

    private sealed class RecordingTick(string kind, Action onTick) : ITickHandler
    {
        public List<string> Ticked { get; } = [];
        public string Kind => kind;

        public Task TickAsync(string id, CancellationToken ct)
        {
            Ticked.Add(id);
            onTick();
            return Task.CompletedTask;
        }
    }

    private sealed class OneRecordStore : IAggregateStore
    {
        public AggregateRecord? Record { get; set; }

        public Task<AggregateRecord?> LoadAsync(string kind, string id, CancellationToken ct) => Task.FromResult(Record);
        public Task<AggregateRecord> SaveAsync(AggregateRecord record, string? etag, IReadOnlyList<AuditEntry> audit, IReadOnlyList<OutboxMessage> outbox, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<AuditEntry> ReadAuditAsync(string kind, string id, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<WakeUp> DeadlinesAsync(string kind, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<(string AggregateId, OutboxMessage Message)> PendingOutboxAsync(string kind, CancellationToken ct) => throw new NotSupportedException();
        public Task MarkDispatchedAsync(string kind, string aggregateId, string messageId, CancellationToken ct) => throw new NotSupportedException();
        public Task<OutboxMessage?> FindOutboxAsync(string kind, string aggregateId, string messageId, CancellationToken ct) => throw new NotSupportedException();
        public Task<AuditEntry?> FindAuditAsync(string kind, string id, long sequence, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<AggregateRecord> QueryAsync(string kind, IReadOnlyDictionary<string, string>? tags, CancellationToken ct) => throw new NotSupportedException();
    }
}

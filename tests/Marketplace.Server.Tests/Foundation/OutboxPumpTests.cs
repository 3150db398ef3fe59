using Marketplace.Core.Persistence;
using Marketplace.Core.Work;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Server.Work;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Server.Tests.Foundation;

/// <summary>
/// An outbox message that cannot be relayed must not end the pump: an exception escaping a BackgroundService stops the
/// host (this is what a 500-user Kit call, longer than a queue message, used to do).
/// </summary>
public sealed class OutboxPumpTests
{
    [Fact]
    public async Task A_message_that_never_relays_is_given_up_and_the_pump_goes_on()
    {
        var queue = new Queue();
        var store = new Store();
        var pump = new OutboxPump(new OutboxRelay(store, queue), [], new NoWaiting(), NullLogger<OutboxPump>.Instance);
        await pump.StartAsync(CancellationToken.None);
        try
        {
            pump.Dispatch("k", "a1", [new OutboxMessage("bad", "topic", "{}"), new OutboxMessage("good-1", "topic", "{}")]);
            await Market.EventuallyAsync(() => Task.FromResult(queue.Attempts("bad")), n => n == 10, TimeSpan.FromSeconds(10), "the bad message's ten attempts");
            pump.Dispatch("k", "a1", [new OutboxMessage("good-2", "topic", "{}")]);
            await Market.EventuallyAsync(() => Task.FromResult(store.Dispatched.ToList()), d => d.Contains("good-2"), TimeSpan.FromSeconds(10), "a later message to be relayed");

            Assert.Equal(["good-1", "good-2"], store.Dispatched.Order());
            Assert.False(pump.ExecuteTask!.IsCompleted); // still pumping
            await Task.Delay(300);
            Assert.Equal(10, queue.Attempts("bad")); // given up, not retried forever
        }
        finally
        {
            await pump.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Delays end at once (the pump's backoff between attempts).</summary>
    private sealed class NoWaiting : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(callback, state, TimeSpan.Zero, period);
    }

    private sealed class Queue : IWorkQueue
    {
        private readonly Dictionary<string, int> _attempts = [];

        public int Attempts(string messageId)
        {
            lock (_attempts) return _attempts.GetValueOrDefault(messageId);
        }

        public Task EnqueueAsync(WorkItem item, CancellationToken ct)
        {
            lock (_attempts) _attempts[item.MessageId!] = _attempts.GetValueOrDefault(item.MessageId!) + 1;
            return item.MessageId == "bad" ? throw new ArgumentException("The message is 84212 bytes; at most 49152 fit a queue message.") : Task.CompletedTask;
        }
    }

    private sealed class Store : IAggregateStore
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Dispatched { get; } = new();

        public Task MarkDispatchedAsync(string kind, string aggregateId, string messageId, CancellationToken ct)
        {
            Dispatched.Enqueue(messageId);
            return Task.CompletedTask;
        }

        public Task<AggregateRecord?> LoadAsync(string kind, string id, CancellationToken ct) => throw new NotSupportedException();
        public Task<AggregateRecord> SaveAsync(AggregateRecord record, string? etag, IReadOnlyList<AuditEntry> audit, IReadOnlyList<OutboxMessage> outbox, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<AuditEntry> ReadAuditAsync(string kind, string id, CancellationToken ct) => throw new NotSupportedException();
        public Task<AuditEntry?> FindAuditAsync(string kind, string id, long sequence, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<WakeUp> DeadlinesAsync(string kind, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<(string AggregateId, OutboxMessage Message)> PendingOutboxAsync(string kind, CancellationToken ct) => throw new NotSupportedException();
        public Task<OutboxMessage?> FindOutboxAsync(string kind, string aggregateId, string messageId, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<AggregateRecord> QueryAsync(string kind, IReadOnlyDictionary<string, string>? tags, CancellationToken ct) => throw new NotSupportedException();
    }
}

using Marketplace.Core.Persistence;
using Marketplace.Storage.Aggregates;
using Marketplace.Storage.Idempotency;

namespace Marketplace.Storage.Tests.Aggregates;

/// <summary>The aggregate store on Azurite: one transaction per save, ETag concurrency, deadlines and outbox recovery.</summary>
public sealed class TableAggregateStoreTests
{
    private readonly TableAggregateStore _store = new(new TableProvisioner(StorageTestEnvironment.Account, StorageTestEnvironment.UniqueName("a")[..10]));

    private static AggregateRecord Record(string id, long version, string state, DateTimeOffset? deadline = null) =>
        new("things", id, version, state, 0, AuditChain.Genesis, deadline, new Dictionary<string, string> { ["owner"] = "o-" + id[^1] });

    private static AuditEntry Entry(string id, long seq, string prev) =>
        AuditChain.Append(id, prev, seq, DateTimeOffset.UtcNow, "user-1", "buyer", "thing.changed", "A", "B", "because", "{\"x\":1}");

    [Fact]
    public async Task Save_writes_snapshot_audit_and_outbox_together_and_a_stale_etag_loses()
    {
        var first = Entry("id1", 1, AuditChain.Genesis);
        var saved = await _store.SaveAsync(Record("id1", 1, "{\"v\":1}") with { AuditCount = 1, AuditHead = first.Hash }, null, [first],
            [new OutboxMessage("m1", "topic.a", "{\"p\":1}")], default);
        Assert.NotNull(saved.ETag);

        var loaded = (await _store.LoadAsync("things", "id1", default))!;
        Assert.Equal("{\"v\":1}", loaded.StateJson);
        Assert.Equal("o-1", loaded.Tags["owner"]);

        // Someone else writes first: the stale writer gets a conflict and nothing of its batch lands.
        var second = Entry("id1", 2, first.Hash);
        await _store.SaveAsync(loaded with { Version = 2, StateJson = "{\"v\":2}" }, loaded.ETag, [second], [], default);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            _store.SaveAsync(loaded with { Version = 2, StateJson = "{\"v\":\"lost\"}" }, loaded.ETag, [Entry("id1", 2, first.Hash)], [new OutboxMessage("m2", "t", "{}")], default));
        // Two creators of the same id: the second loses too.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => _store.SaveAsync(Record("id1", 1, "{}"), null, [], [], default));

        var audit = new List<AuditEntry>();
        await foreach (var a in _store.ReadAuditAsync("things", "id1", default)) audit.Add(a);
        Assert.Equal([1L, 2L], audit.Select(a => a.Sequence));
        Assert.Null(AuditChain.FindBreak("id1", audit));
        var pending = new List<(string, OutboxMessage)>();
        await foreach (var p in _store.PendingOutboxAsync("things", default)) pending.Add(p);
        Assert.Equal(("id1", "m1"), (pending.Single().Item1, pending.Single().Item2.MessageId));
    }

    [Fact]
    public async Task A_tampered_audit_entry_breaks_the_chain()
    {
        var e1 = Entry("id9", 1, AuditChain.Genesis);
        var e2 = Entry("id9", 2, e1.Hash);
        Assert.Null(AuditChain.FindBreak("id9", [e1, e2]));
        Assert.Equal(2, AuditChain.FindBreak("id9", [e1, e2 with { Reason = "edited later" }]));
        Assert.Equal(2, AuditChain.FindBreak("id9", [e1, Entry("id9", 3, e1.Hash)]));
    }

    [Fact]
    public async Task Deadlines_and_dispatched_outbox_rows_are_found_by_scans()
    {
        var due = DateTimeOffset.UtcNow.AddMinutes(5);
        await _store.SaveAsync(Record("d1", 3, "{}", due), null, [], [new OutboxMessage("m", "t", "{}")], default);
        await _store.SaveAsync(Record("d2", 1, "{}"), null, [], [], default);

        var deadlines = new List<WakeUp>();
        await foreach (var w in _store.DeadlinesAsync("things", default)) deadlines.Add(w);
        var wake = Assert.Single(deadlines);
        Assert.Equal(("d1", 3L), (wake.Id, wake.Version));
        Assert.Equal(due.ToUnixTimeMilliseconds(), wake.At.ToUnixTimeMilliseconds());

        await _store.MarkDispatchedAsync("things", "d1", "m", default);
        await _store.MarkDispatchedAsync("things", "d1", "m", default); // twice is fine
        await foreach (var _ in _store.PendingOutboxAsync("things", default)) Assert.Fail("the outbox row should be gone");

        var owned = new List<AggregateRecord>();
        await foreach (var r in _store.QueryAsync("things", new Dictionary<string, string> { ["owner"] = "o-2" }, default)) owned.Add(r);
        Assert.Equal("d2", Assert.Single(owned).Id);
    }

    [Fact]
    public async Task A_large_snapshot_is_split_across_properties_and_read_back_whole()
    {
        var big = "{\"text\":\"" + new string('x', 200_000) + "\"}";
        await _store.SaveAsync(Record("big", 1, big), null, [], [], default);
        Assert.Equal(big, (await _store.LoadAsync("things", "big", default))!.StateJson);
    }

    [Fact]
    public async Task Idempotency_store_claims_a_key_once_and_replays_the_response()
    {
        var store = new TableIdempotencyStore(new TableProvisioner(StorageTestEnvironment.Account, StorageTestEnvironment.UniqueName("i")[..10]), TimeProvider.System);
        Assert.Equal(IdempotencyOutcome.Started, (await store.BeginAsync("buyer-1|POST|/x", "k1", "h1", default)).Outcome);
        Assert.Equal(IdempotencyOutcome.InProgress, (await store.BeginAsync("buyer-1|POST|/x", "k1", "h1", default)).Outcome);
        Assert.Equal(IdempotencyOutcome.Mismatch, (await store.BeginAsync("buyer-1|POST|/x", "k1", "other", default)).Outcome);

        var body = new byte[150_000];
        Random.Shared.NextBytes(body);
        await store.CompleteAsync("buyer-1|POST|/x", "k1", "h1", new StoredResponse(201, "application/json", "/x/1", body), default);
        var replay = await store.BeginAsync("buyer-1|POST|/x", "k1", "h1", default);
        Assert.Equal(IdempotencyOutcome.Replay, replay.Outcome);
        Assert.Equal(body, replay.Response!.Body);
        Assert.Equal(("/x/1", 201), (replay.Response.Location, replay.Response.Status));

        // Another caller with the same key is independent.
        Assert.Equal(IdempotencyOutcome.Started, (await store.BeginAsync("buyer-2|POST|/x", "k1", "h1", default)).Outcome);
    }

    [Fact]
    public async Task Idempotency_store_keeps_a_renewed_claim_and_takes_over_a_stale_one()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var store = new TableIdempotencyStore(new TableProvisioner(StorageTestEnvironment.Account, StorageTestEnvironment.UniqueName("j")[..10]), clock);
        var stale = IdempotencyClaims.StaleAfter;
        Assert.Equal(IdempotencyOutcome.Started, (await store.BeginAsync("buyer-1|POST|/x", "k1", "h1", default)).Outcome);

        // The running request renews its claim: a repeat waits.
        clock.Now += stale - TimeSpan.FromSeconds(1);
        await store.RenewAsync("buyer-1|POST|/x", "k1", default);
        clock.Now += stale - TimeSpan.FromSeconds(1);
        Assert.Equal(IdempotencyOutcome.InProgress, (await store.BeginAsync("buyer-1|POST|/x", "k1", "h1", default)).Outcome);

        // Its process died: no renewal for longer than StaleAfter, and a repeat takes the key over.
        clock.Now += TimeSpan.FromSeconds(2);
        Assert.Equal(IdempotencyOutcome.Started, (await store.BeginAsync("buyer-1|POST|/x", "k1", "h1", default)).Outcome);
        await store.CompleteAsync("buyer-1|POST|/x", "k1", "h1", new StoredResponse(201, null, null, [1, 2]), default);
        await store.RenewAsync("buyer-1|POST|/x", "k1", default); // a late renewal leaves a finished key alone
        clock.Now += stale * 2;
        Assert.Equal(IdempotencyOutcome.Replay, (await store.BeginAsync("buyer-1|POST|/x", "k1", "h1", default)).Outcome);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}

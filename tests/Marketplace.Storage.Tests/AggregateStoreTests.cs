using Marketplace.Core.Persistence;
using Marketplace.Storage.Aggregates;
using Marketplace.Storage.Nonces;

namespace Marketplace.Storage.Tests;

/// <summary>The Table-backed aggregate store and nonce store against Azurite.</summary>
public class AggregateStoreTests
{
    private static TableProvisioner NewTables() => new(StorageTestEnvironment.Account, StorageTestEnvironment.UniqueName("a"));

    private static AggregateRecord Record(string id, DateTimeOffset? deadline) =>
        new("things", id, 1, "{}", 0, AuditChain.Genesis, deadline, new Dictionary<string, string> { ["owner"] = "o1" });

    [Fact]
    public async Task DeadlinesNameTheirAggregates()
    {
        var store = new TableAggregateStore(NewTables());
        var due = DateTimeOffset.UtcNow.AddMinutes(5);
        await store.SaveAsync(Record("agg-1", due), null, [], [], default);
        await store.SaveAsync(Record("agg-2", null), null, [], [], default);

        var wakeUps = new List<WakeUp>();
        await foreach (var w in store.DeadlinesAsync("things", default)) wakeUps.Add(w);

        var wake = Assert.Single(wakeUps);
        Assert.Equal("agg-1", wake.Id); // the start-up load of the timer heap needs the id, not only the time
        Assert.Equal(1, wake.Version);
        Assert.Equal(due.ToUnixTimeMilliseconds(), wake.At.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task ANonceIsClaimedOnceEvenUnderARace()
    {
        var nonces = new TableNonceStore(NewTables(), TimeProvider.System);
        var until = DateTimeOffset.UtcNow.AddMinutes(2);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => nonces.TryClaimAsync("SL1", "n-123", until, default)));
        Assert.Equal(1, claims.Count(c => c));
        Assert.True(await nonces.TryClaimAsync("SL2", "n-123", until, default)); // per seller
    }

    [Fact]
    public async Task AnExpiredNonceMayBeTakenOver()
    {
        var nonces = new TableNonceStore(NewTables(), TimeProvider.System);
        Assert.True(await nonces.TryClaimAsync("SL1", "old", DateTimeOffset.UtcNow.AddSeconds(-1), default));
        Assert.True(await nonces.TryClaimAsync("SL1", "old", DateTimeOffset.UtcNow.AddMinutes(1), default));
        Assert.False(await nonces.TryClaimAsync("SL1", "old", DateTimeOffset.UtcNow.AddMinutes(1), default));
    }
}

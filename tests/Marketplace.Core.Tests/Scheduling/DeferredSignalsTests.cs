using Marketplace.Core.Persistence;
using Marketplace.Core.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Core.Tests.Scheduling;

public class DeferredSignalsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private readonly DeferredSignals _signals = new(NullLogger<DeferredSignals>.Instance);

    [Fact]
    public async Task Commits_inside_a_batch_are_collected_through_awaits()
    {
        using var batch = _signals.Begin();
        await Task.Yield();
        await Task.Run(() => _signals.Schedule(new WakeUp("case", "c1", 1, T0)));
        _signals.Dispatch("case", "c1", [new OutboxMessage("m1", "topic", "{}"), new OutboxMessage("m2", "topic", "{}")]);

        Assert.Equal([new WakeUp("case", "c1", 1, T0)], batch.WakeUps);
        Assert.Equal(["m1", "m2"], batch.Outbox.Select(o => o.Message.MessageId));
    }

    [Fact]
    public void The_latest_version_of_an_aggregate_wins_whatever_the_order()
    {
        using var batch = _signals.Begin();
        _signals.Schedule(new WakeUp("case", "c1", 3, T0.AddHours(3)));
        _signals.Schedule(new WakeUp("case", "c1", 2, T0.AddHours(2)));
        _signals.Schedule(new WakeUp("call", "k1", 1, T0));

        Assert.Equal([new WakeUp("call", "k1", 1, T0), new WakeUp("case", "c1", 3, T0.AddHours(3))], batch.WakeUps);
    }

    [Fact]
    public async Task Concurrent_units_of_work_never_see_each_other()
    {
        async Task<IReadOnlyList<WakeUp>> Unit(string id)
        {
            using var batch = _signals.Begin();
            await Task.Delay(10);
            _signals.Schedule(new WakeUp("case", id, 1, T0));
            await Task.Delay(10);
            return batch.WakeUps;
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Unit($"c{i}"))));
        for (var i = 0; i < results.Length; i++)
            Assert.Equal([new WakeUp("case", $"c{i}", 1, T0)], results[i]);
    }

    [Fact]
    public void A_commit_outside_a_batch_is_not_collected_and_a_closed_batch_takes_nothing_more()
    {
        _signals.Schedule(new WakeUp("case", "before", 1, T0));
        var batch = _signals.Begin();
        batch.Dispose();
        _signals.Schedule(new WakeUp("case", "after", 1, T0));
        Assert.Empty(batch.WakeUps);
    }

    [Fact]
    public void Nested_batches_restore_the_outer_one()
    {
        using var outer = _signals.Begin();
        using (var inner = _signals.Begin())
        {
            _signals.Schedule(new WakeUp("case", "inner", 1, T0));
            Assert.Single(inner.WakeUps);
        }

        _signals.Schedule(new WakeUp("case", "outer", 1, T0));
        Assert.Equal(["outer"], outer.WakeUps.Select(w => w.Id));
    }
}

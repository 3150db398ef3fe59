using System.Text.Json;
using Marketplace.Core.Persistence;
using Marketplace.Core.Supervision;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Storage;
using Marketplace.Storage.Aggregates;

namespace Marketplace.Server.Tests.Foundation;

/// <summary>
/// A process killed between its transaction and the queue send leaves the outbox row committed but unsent. The next
/// process to start relays it: nothing accepted is lost.
/// </summary>
public sealed class OutboxRecoveryTests
{
    [Fact]
    public async Task An_outbox_row_left_by_a_dead_process_is_dispatched_after_restart()
    {
        var prefix = TestStorage.NewPrefix();
        string orderId;
        string caseId;
        await using (var first = new MarketplaceApp(prefix: prefix))
        {
            var market = await Market.OpenAsync(first.ClientAsAsync);
            caseId = await market.CaseAsync();
            orderId = (await market.GetCaseAsync(caseId))["orderId"]!.GetValue<string>();
        }

        // What a crash right after the commit of a completion leaves behind: the completed case and its outbox row, never sent.
        var store = new TableAggregateStore(new TableProvisioner(StorageAccount.Parse(TestStorage.ConnectionString), prefix));
        var record = (await store.LoadAsync(SupervisionCases.Kind, caseId, default))!;
        var now = DateTimeOffset.UtcNow;
        var completed = SupervisionRules.Apply(JsonSerializer.Deserialize<SupervisionCase>(record.StateJson, CoreJson.Options), new CaseCompleted(now));
        var message = new OutboxMessage("crash-1", SupervisionCases.OrderEndedTopic,
            JsonSerializer.Serialize(new OrderSupervisionEndedMessage(caseId, orderId, "completed", now, now), CoreJson.Options));
        await store.SaveAsync(record with { Version = record.Version + 1, StateJson = JsonSerializer.Serialize(completed, CoreJson.Options) }, record.ETag, [], [message], default);
        Assert.Single(await Pending(store));

        await using var second = new MarketplaceApp(prefix: prefix);
        var buyer = await second.ClientAsAsync("buyer-1", "buyer");
        var order = await Market.EventuallyAsync(async () => await (await buyer.GetAsync($"/api/orders/{orderId}")).JsonAsync(),
            o => o["status"]!.GetValue<string>() == "completed", what: "the recovered outbox message to complete the order");
        Assert.Equal("completed", order["status"]!.GetValue<string>());
        await Market.EventuallyAsync(() => Pending(store), p => p.Count == 0, what: "the outbox row to be marked dispatched");
        // The order confirmed it follows: the case stops resending.
        var ops = await second.ClientAsAsync("ops-1", "ops");
        await Market.EventuallyAsync(async () => await (await ops.GetAsync($"/api/cases/{caseId}")).JsonAsync(),
            c => c["timeline"]!.AsArray().Any(t => t!["action"]!.GetValue<string>() == "order.synced"), what: "the case to record the order sync");
    }

    private static async Task<List<(string, OutboxMessage)>> Pending(TableAggregateStore store)
    {
        var list = new List<(string, OutboxMessage)>();
        await foreach (var p in store.PendingOutboxAsync(SupervisionCases.Kind, default)) list.Add(p);
        return list;
    }
}

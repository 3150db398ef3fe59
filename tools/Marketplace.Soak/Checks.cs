using System.Text.Json.Nodes;
using Marketplace.Core.Persistence;
using Marketplace.Storage;
using Marketplace.Storage.Aggregates;

namespace Marketplace.Soak;

/// <summary>
/// The invariants, checked once the load is over, the calls drained and the bills sealed. Through the API where it
/// shows the fact (cases, orders, calls, bills), and on the stored rows where it does not (every aggregate's audit chain,
/// orders nobody asked for, the work queue's poison queue).
/// </summary>
internal sealed class Checks(Api api, World world, Ledger ledger, Violations violations, StorageAccount account, string prefix)
{
    private static readonly string[] AuditedKinds = ["cases", "orders", "sellercalls", "sellers", "products"];

    public async Task RunAsync(Action<string> progress)
    {
        progress("cases");
        await CasesAsync();
        progress("orders, instances and seller calls");
        await OrdersAndCallsAsync();
        progress("usage records and bills");
        await UsageAsync();
        progress("stored audit chains, orders and the poison queue");
        await StorageAsync();
    }

    /// <summary>Every case in its expected state with a verified timeline; its order followed; no appeal left open.</summary>
    private async Task CasesAsync()
    {
        foreach (var c in ledger.Cases)
        {
            var view = (await api.GetAsync(world.Ops, $"/api/cases/{c.CaseId}")).Expect(200).Object;
            if (view["timelineVerified"]?.GetValue<bool>() != true)
                violations.Add("audit-chain", $"case {c.CaseId}: the timeline does not verify");
            if (c.ExpectedState is null) continue; // its flow failed, which is reported already
            var state = view["state"]!.GetValue<string>();
            if (state != c.ExpectedState || view["frozen"]!.GetValue<bool>())
                violations.Add("case-state", $"case {c.CaseId} is {state}{(view["frozen"]!.GetValue<bool>() ? " (frozen)" : "")}, expected {c.ExpectedState} after {string.Join(" > ", c.Path)}");

            var orderStatus = c.ExpectedState == "Completed" ? "completed" : "closed";
            var order = await EventuallyAsync(() => OrderAsync(c.OrderId), o => o["status"]?.GetValue<string>() == orderStatus, TimeSpan.FromSeconds(60));
            if (order["status"]?.GetValue<string>() != orderStatus)
                violations.Add("case-order", $"order {c.OrderId} of case {c.CaseId} ({c.ExpectedState}) is {order["status"]}, expected {orderStatus}");
        }

        foreach (var buyer in world.Buyers)
        {
            var total = (await api.GetAsync(buyer, "/api/cases")).Expect(200).Json["total"]!.GetValue<int>();
            var expected = ledger.Cases.Count(c => c.BuyerId == buyer.Subject);
            if (total != expected) violations.Add("case-count", $"{buyer.Subject} sees {total} cases, placed {expected}");
        }

        var open = (await api.GetAsync(world.Ops, "/api/appeals?status=open")).Expect(200).Json.AsArray();
        foreach (var appeal in open) violations.Add("appeal-open", $"appeal {appeal!["appealId"]} of case {appeal["caseId"]} is still open");
    }

    /// <summary>
    /// Exactly one instance per order (the seller's, or the one delivered by hand), one newInstance call, one call per
    /// renewal, status change and release, all delivered; the only parked calls are those the seller left parked, each
    /// with its reason; the seller's side shows what the platform told it.
    /// </summary>
    private async Task OrdersAndCallsAsync()
    {
        var calls = await AllCallsAsync();
        var leftParked = ledger.Orders.Select(o => o.LeftParkedCallId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var call in calls)
        {
            var status = call["status"]!.GetValue<string>();
            var callId = call["callId"]!.GetValue<string>();
            var reason = call["parkedReason"]?.GetValue<string>();
            var ok = status is "succeeded" or "manuallyDelivered" || (status == "parked" && leftParked.Contains(callId) && !string.IsNullOrWhiteSpace(reason));
            if (!ok) violations.Add("call-state", $"call {callId} ({call["activity"]}, order {call["orderRef"]}) is {status}{(reason is null ? "" : $" ({reason})")}");
        }

        var byOrder = calls.GroupBy(c => c["orderRef"]?.GetValue<string>() ?? c["orderId"]?.GetValue<string>() ?? "")
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var instances = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var o in ledger.Orders)
        {
            var order = await OrderAsync(o.OrderId);
            var status = order["status"]?.GetValue<string>();
            var instanceId = order["instanceId"]?.GetValue<string>();
            var mine = byOrder.GetValueOrDefault(o.OrderId) ?? [];
            int Count(string activity) => mine.Count(c => c["activity"]!.GetValue<string>() == activity);
            var path = string.Join(" > ", o.Path);

            if (Count("newInstance") != 1) violations.Add("instance-calls", $"order {o.OrderId} has {Count("newInstance")} newInstance calls ({path})");
            if (instanceId is not null && !instances.TryAdd(instanceId, o.OrderId))
                violations.Add("instance-unique", $"instance {instanceId} belongs to orders {instances[instanceId]} and {o.OrderId}");
            if (order["queuedCalls"] is JsonArray { Count: > 0 } queued)
                violations.Add("call-held", $"order {o.OrderId} still holds {queued.Count} queued call(s) ({path})");
            if (o.ExpectedStatus is null) continue; // its flow failed, which is reported already

            if (status != o.ExpectedStatus) violations.Add("order-state", $"order {o.OrderId} is {status}, expected {o.ExpectedStatus} ({path})");
            if (Count("refreshInstance") != o.Renewals)
                violations.Add("renewal-calls", $"order {o.OrderId} has {Count("refreshInstance")} refreshInstance calls for {o.Renewals} renewals ({path})");
            if (Count("updateInstanceStatus") != o.StatusChanges)
                violations.Add("status-calls", $"order {o.OrderId} has {Count("updateInstanceStatus")} updateInstanceStatus calls for {o.StatusChanges} changes ({path})");
            if (Count("releaseInstance") != (o.Released ? 1 : 0))
                violations.Add("release-calls", $"order {o.OrderId} has {Count("releaseInstance")} releaseInstance calls ({path})");
            if (o.ExpireTime is { } expire && order["expiresAt"]?.GetValue<DateTimeOffset>() != expire)
                violations.Add("renewal", $"order {o.OrderId} expires at {order["expiresAt"]}, renewed to {expire:O}");
            if (o.ExpectedStatus == "failed") continue;

            var fake = world.Fake.FindInstanceByOrder(o.OrderId, o.OrderLineId);
            var expectedInstance = o.ManualInstanceId ?? fake?.InstanceId;
            if (instanceId is null || instanceId != expectedInstance)
                violations.Add("instance", $"order {o.OrderId} has instance {instanceId ?? "none"}, the seller's is {expectedInstance ?? "none"} ({path})");
            if (fake is not null)
            {
                var fakeStatus = o.Released ? "Released" : "Active";
                if (fake.Status != fakeStatus) violations.Add("seller-side", $"the seller's instance {fake.InstanceId} of order {o.OrderId} is {fake.Status}, expected {fakeStatus} ({path})");
                if (o.Renewals > 0 && fake.LastScene != "RENEWAL") violations.Add("seller-side", $"the seller's instance {fake.InstanceId} of order {o.OrderId} never saw a renewal ({path})");
            }
        }
    }

    /// <summary>Every accepted usage record in exactly one sealed bill whose records verify; no refused duplicate billed.</summary>
    private async Task UsageAsync()
    {
        var billed = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var instanceId in ledger.MeteredInstances.Keys)
        {
            var bills = (await api.GetAsync(world.Ops, $"/api/bills?instanceId={Uri.EscapeDataString(instanceId)}")).Expect(200).Json.AsArray();
            foreach (var bill in bills)
            {
                var billId = bill!["billId"]!.GetValue<string>();
                var records = (await api.GetAsync(world.Ops, $"/api/bills/{billId}/records")).Expect(200).Object;
                if (records["verified"]?.GetValue<bool>() != true) violations.Add("bill-hash", $"bill {billId} of {instanceId} does not verify");
                foreach (var r in records["records"]!.AsArray())
                {
                    var sn = r!["meteringSn"]!.GetValue<string>();
                    billed[sn] = billed.GetValueOrDefault(sn) + 1;
                }
            }
        }

        foreach (var (sn, instanceId) in ledger.AcceptedUsage)
        {
            var count = billed.GetValueOrDefault(sn);
            if (count != 1) violations.Add("usage-billing", $"accepted record {sn} of {instanceId} is in {count} sealed bills");
        }

        foreach (var (sn, count) in billed)
        {
            if (ledger.RefusedUsage.TryGetValue(sn, out var instanceId)) violations.Add("usage-billing", $"refused duplicate {sn} of {instanceId} was billed");
            else if (!ledger.AcceptedUsage.ContainsKey(sn)) violations.Add("usage-billing", $"record {sn} was billed ({count}x) but never acknowledged as accepted");
        }
    }

    /// <summary>The stored rows: every audit chain unbroken and matching its snapshot's head; no order without its case or
    /// beyond those placed; nothing in the work queue's poison queue.</summary>
    private async Task StorageAsync()
    {
        var store = new TableAggregateStore(new TableProvisioner(account, prefix));
        var ordersByBuyer = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var kind in AuditedKinds)
        {
            await foreach (var record in store.QueryAsync(kind, null, CancellationToken.None))
            {
                var entries = new List<AuditEntry>();
                await foreach (var e in store.ReadAuditAsync(kind, record.Id, CancellationToken.None)) entries.Add(e);
                if (AuditChain.FindBreak(record.Id, entries) is { } broken)
                    violations.Add("audit-chain", $"{kind} {record.Id}: the audit chain breaks at entry {broken} of {entries.Count}");
                else if (entries.Count != record.AuditCount || (entries.Count > 0 && entries[^1].Hash != record.AuditHead))
                    violations.Add("audit-chain", $"{kind} {record.Id}: {entries.Count} audit entries, the snapshot says {record.AuditCount} (head {record.AuditHead[..8]})");

                if (kind != "orders") continue;
                var order = JsonNode.Parse(record.StateJson)!;
                if (order["orderType"] is not null) continue; // an upgrade order
                var buyerId = order["buyerId"]!.GetValue<string>();
                ordersByBuyer[buyerId] = ordersByBuyer.GetValueOrDefault(buyerId) + 1;
                if (order["caseId"]?.GetValue<string>() is { } caseId && await store.LoadAsync("cases", caseId, CancellationToken.None) is null)
                    violations.Add("case-missing", $"order {record.Id} names case {caseId}, which does not exist");
            }
        }

        foreach (var buyer in world.Buyers)
        {
            var placed = ledger.Cases.Count(c => c.BuyerId == buyer.Subject) + ledger.Orders.Count(o => o.BuyerId == buyer.Subject);
            var stored = ordersByBuyer.GetValueOrDefault(buyer.Subject);
            if (stored != placed) violations.Add("order-count", $"{buyer.Subject} has {stored} stored orders, placed {placed}");
        }

        var poison = account.GetQueueClient(prefix + "-work-poison");
        await poison.CreateIfNotExistsAsync();
        var poisoned = await poison.ApproximateCountAsync();
        if (poisoned > 0) violations.Add("poison", $"{poisoned} work item(s) in {poison.Name}: work given up after {5} tries");
    }

    public async Task<List<JsonObject>> AllCallsAsync()
    {
        var all = new List<JsonObject>();
        for (var page = 1; ; page++)
        {
            var items = (await api.GetAsync(world.Ops, $"/api/seller/calls?page={page}")).Expect(200).Json["items"]!.AsArray();
            if (items.Count == 0) return all;
            all.AddRange(items.Select(i => i!.AsObject()));
        }
    }

    private async Task<JsonObject> OrderAsync(string orderId) => (await api.GetAsync(world.Ops, $"/api/orders/{orderId}")).Expect(200).Object;

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > until) return value;
            await Task.Delay(1000);
        }
    }
}

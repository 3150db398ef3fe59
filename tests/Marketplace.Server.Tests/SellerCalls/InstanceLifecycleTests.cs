using System.Globalization;
using System.Net.Http.Json;
using Marketplace.FakeSeller;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.SellerCalls;

/// <summary>Renewal, freeze, unfreeze, upgrade and release reach the seller with the right fields, one instance call at a time.</summary>
public sealed class InstanceLifecycleTests(RecoveringApp server) : IClassFixture<RecoveringApp>
{
    private static async Task<(string OrderId, string InstanceId, string ProductId)> ActiveOrderAsync(SaasMarket market)
    {
        var productId = await market.ProductAsync();
        var orderId = (await market.OrderAsync(productId))["orderId"]!.GetValue<string>();
        var order = await market.WaitForOrderAsync(orderId, o => o["status"]?.GetValue<string>() == "active" && o["activeCallId"] is null,
            "an active order with no call under way");
        return (orderId, order["instanceId"]!.GetValue<string>(), productId);
    }

    [Fact]
    public async Task Renewal_freeze_unfreeze_upgrade_and_release_reach_the_seller_with_the_right_fields()
    {
        await using var market = await server.MarketAsync();
        var (orderId, instanceId, _) = await ActiveOrderAsync(market);

        // Renewal: refreshInstance RENEWAL with the renewal order and the new expiry in UTC yyyyMMddHHmmss.
        var expireTime = new DateTimeOffset(DateTime.UtcNow.Year + 3, 6, 30, 16, 0, 0, TimeSpan.Zero);
        var renewal = await (await market.Buyer.PostAsJsonAsync($"/api/orders/{orderId}/renewal", new { expireTime })).JsonAsync(202);
        var renewalOrderId = renewal["renewalOrderId"]!.GetValue<string>();
        var refresh = (await market.Fake.WaitForAsync(r => r.Activity == "refreshInstance" && r.Field("instanceId") == instanceId, 1))[0];
        Assert.True(refresh.Verified, refresh.VerificationError);
        Assert.Equal("RENEWAL", refresh.Field("scene"));
        Assert.Equal(renewalOrderId, refresh.Field("orderId"));
        Assert.Equal(renewalOrderId + "-000001", refresh.Field("orderLineId"));
        Assert.Equal(expireTime.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture), refresh.Field("expireTime"));
        Assert.Equal(expireTime, (await market.GetOrderAsync(orderId))["expiresAt"]!.GetValue<DateTimeOffset>());

        // Freeze and unfreeze (ops): updateInstanceStatus.
        var frozen = await (await market.Ops.PostAsJsonAsync($"/api/instances/{instanceId}/status", new { status = "FREEZE", reason = "expired" })).JsonAsync(202);
        Assert.Equal("frozen", frozen["status"]!.GetValue<string>());
        await (await market.Ops.PostAsJsonAsync($"/api/instances/{instanceId}/status", new { status = "FREEZE" })).ProblemAsync(409, "order.invalid-state");
        await (await market.Ops.PostAsJsonAsync($"/api/instances/{instanceId}/status", new { status = "UNFREEZE" })).JsonAsync(202);
        var statuses = await market.Fake.WaitForAsync(r => r.Activity == "updateInstanceStatus" && r.Field("instanceId") == instanceId, 2);
        Assert.Equal(["FREEZE", "UNFREEZE"], statuses.Select(r => r.Field("status")));
        Assert.Equal("Active", market.Fake.FindInstance(instanceId)!.Status);

        // Upgrade: a new order, upgradeInstance with the same instanceId and the upgrade order's ids.
        var premium = await market.ProductAsync(name: "CRM cloud premium");
        var upgrade = await (await market.Buyer.PostAsJsonAsync($"/api/orders/{orderId}/upgrade", new { productId = premium })).JsonAsync(201);
        var upgradeOrderId = upgrade["orderId"]!.GetValue<string>();
        Assert.NotEqual(orderId, upgradeOrderId);
        Assert.Equal(instanceId, upgrade["instanceId"]!.GetValue<string>());
        var up = (await market.Fake.WaitForAsync(r => r.Activity == "upgradeInstance" && r.Field("instanceId") == instanceId, 1))[0];
        Assert.Equal(upgradeOrderId, up.Field("orderId"));
        Assert.Equal(upgrade["orderLineId"]!.GetValue<string>(), up.Field("orderLineId"));
        var upgraded = await market.WaitForStatusAsync(upgradeOrderId, "completed");
        Assert.Equal(orderId, upgraded["parentOrderId"]!.GetValue<string>());
        Assert.Equal(premium, upgraded["productId"]!.GetValue<string>());

        // Unsubscribe: releaseInstance with the unsubscribe order's ids; the order is released.
        var released = await (await market.Buyer.PostAsync($"/api/orders/{orderId}/unsubscribe", null)).JsonAsync(202);
        Assert.Equal("released", released["status"]!.GetValue<string>());
        var release = (await market.Fake.WaitForAsync(r => r.Activity == "releaseInstance" && r.Field("instanceId") == instanceId, 1))[0];
        Assert.StartsWith("CS", release.Field("orderId"));
        Assert.Equal(release.Field("orderId") + "-000001", release.Field("orderLineId"));
        await Market.EventuallyAsync(() => Task.FromResult(market.Fake.FindInstance(instanceId)!.Status), s => s == "Released", what: "the instance released");
        await (await market.Buyer.PostAsync($"/api/orders/{orderId}/unsubscribe", null)).ProblemAsync(409, "order.invalid-state");

        // Every call of the instance was signed and verified; none carries testFlag.
        Assert.All(market.RequestsFor(orderId), r => Assert.True(r.Verified, r.VerificationError));
        Assert.All(market.RequestsFor(orderId), r => Assert.Null(r.Field("testFlag")));
    }

    [Fact]
    public async Task Calls_about_one_instance_go_out_in_order_even_when_the_seller_is_failing()
    {
        await using var market = await server.MarketAsync();
        var (orderId, instanceId, _) = await ActiveOrderAsync(market);
        market.Fake.SetScenarioForActivity("updateInstanceStatus", FakeScenario.FailTimes(2));

        foreach (var status in new[] { "FREEZE", "UNFREEZE", "FREEZE" })
            await (await market.Ops.PostAsJsonAsync($"/api/instances/{instanceId}/status", new { status })).JsonAsync(202);
        Assert.Equal("frozen", (await market.GetOrderAsync(orderId))["status"]!.GetValue<string>());

        await market.WaitForOrderAsync(orderId, o => o["activeCallId"] is null && o["queuedCalls"]!.AsArray().Count == 0, "every queued call to finish");
        var sent = market.RequestsFor(orderId, "updateInstanceStatus").Select(r => (r.Field("status"), r.ResultCode)).ToList();
        Assert.Equal([("FREEZE", "000005"), ("FREEZE", "000005"), ("FREEZE", "000000"), ("UNFREEZE", "000000"), ("FREEZE", "000000")], sent);
        Assert.Equal("Frozen", market.Fake.FindInstance(instanceId)!.Status);
        var calls = await market.CallsAsync(orderId);
        Assert.Equal(3, calls.Count(c => c!["activity"]!.GetValue<string>() == "updateInstanceStatus"));
    }

    [Fact]
    public async Task A_renewal_that_changes_the_product_asks_the_seller_first()
    {
        await using var market = await server.MarketAsync();
        var (orderId, instanceId, _) = await ActiveOrderAsync(market);
        var other = await market.ProductAsync(name: "CRM cloud yearly plus");
        var expireTime = DateTimeOffset.UtcNow.AddYears(2);

        // The seller refuses: nothing is renewed.
        market.Fake.SetScenarioForActivity("changeInstanceCheck", FakeScenario.ResultCode("000002", times: 1, message: "downgrade not possible"));
        await (await market.Buyer.PostAsJsonAsync($"/api/orders/{orderId}/renewal", new { expireTime, productId = other })).ProblemAsync(409, "order.change-rejected");
        Assert.Empty(market.RequestsFor(orderId, "refreshInstance"));

        // The seller allows it: refreshInstance RENEWAL_CHANGE with the new productId.
        var renewed = await (await market.Buyer.PostAsJsonAsync($"/api/orders/{orderId}/renewal", new { expireTime, productId = other })).JsonAsync(202);
        Assert.Equal("RENEWAL_CHANGE", renewed["scene"]!.GetValue<string>());
        var checks = market.Fake.RequestsFor("changeInstanceCheck").Where(r => r.Field("instanceId") == instanceId).ToList();
        Assert.Equal(2, checks.Count);
        Assert.Contains($"\"productId\":\"{other}\"", checks[1].Body);
        var refresh = (await market.Fake.WaitForAsync(r => r.Activity == "refreshInstance" && r.Field("instanceId") == instanceId, 1))[0];
        Assert.Equal("RENEWAL_CHANGE", refresh.Field("scene"));
        Assert.Equal(other, refresh.Field("productId"));
    }

    [Fact]
    public async Task Renewing_a_frozen_instance_unfreezes_it_and_instance_actions_need_an_active_instance()
    {
        await using var market = await server.MarketAsync();
        market.Fake.SetScenarioForActivity("newInstance", FakeScenario.FailAlways());
        var creating = (await market.OrderAsync(await market.ProductAsync()))["orderId"]!.GetValue<string>();
        await (await market.Buyer.PostAsJsonAsync($"/api/orders/{creating}/renewal", new { expireTime = DateTimeOffset.UtcNow.AddYears(2) }))
            .ProblemAsync(409, "order.invalid-state");
        await (await market.Buyer.PostAsJsonAsync($"/api/orders/{creating}/upgrade", new { productId = "PDNOSUCHPRODUCT" })).ProblemAsync(404, "product.not-found");
        market.Fake.ClearScenarios();

        var (orderId, instanceId, _) = await ActiveOrderAsync(market);
        await (await market.Ops.PostAsJsonAsync($"/api/instances/{instanceId}/status", new { status = "FREEZE" })).JsonAsync(202);
        await (await market.Buyer.PostAsJsonAsync($"/api/orders/{orderId}/renewal", new { expireTime = DateTimeOffset.UtcNow.AddMinutes(-1) }))
            .ProblemAsync(422, "validation.failed");
        var renewed = await (await market.Buyer.PostAsJsonAsync($"/api/orders/{orderId}/renewal", new { expireTime = DateTimeOffset.UtcNow.AddYears(3) })).JsonAsync(202);
        Assert.Equal("active", renewed["status"]!.GetValue<string>());
        var sent = await market.Fake.WaitForAsync(r => r.Field("instanceId") == instanceId && r.Activity is "refreshInstance" or "updateInstanceStatus", 3);
        Assert.Equal(["FREEZE", "RENEWAL", "UNFREEZE"], sent.Select(r => r.Field("status") ?? r.Field("scene")));
        await (await market.Ops.PostAsJsonAsync("/api/instances/no-such-instance/status", new { status = "FREEZE" })).ProblemAsync(404, "instance.not-found");
        await (await market.Ops.PostAsJsonAsync($"/api/instances/{instanceId}/status", new { status = "PAUSE" })).ProblemAsync(422, "validation.failed");
        await (await market.Buyer.PostAsJsonAsync($"/api/instances/{instanceId}/status", new { status = "FREEZE" })).ProblemAsync(403, "auth.forbidden");
    }
}

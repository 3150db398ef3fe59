using System.Net.Http.Json;
using Marketplace.FakeSeller;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.SellerCalls;

/// <summary>A SaaS order becomes an instance through newInstance (and queryInstance) over real HTTP to a fake seller.</summary>
public sealed class SaasOrderTests(RecoveringApp server) : IClassFixture<RecoveringApp>
{
    [Fact]
    public async Task A_paid_SaaS_order_becomes_active_with_the_sellers_instance_and_app_info()
    {
        await using var market = await server.MarketAsync();
        var productId = await market.ProductAsync();
        var placed = await market.OrderAsync(productId);
        var orderId = placed["orderId"]!.GetValue<string>();
        Assert.Null(placed["instanceId"]);

        var order = await market.WaitForOrderAsync(orderId, o => o["status"]?.GetValue<string>() == "active" && o["appInfo"] is not null, "an active order with appInfo");

        var instance = Assert.Single(market.Fake.Instances, i => i.OrderId == orderId);
        Assert.Equal(instance.InstanceId, order["instanceId"]!.GetValue<string>());
        Assert.Equal(instance.FirstBusinessId, instance.InstanceId);
        Assert.EndsWith($"/app/{instance.InstanceId}", order["appInfo"]!["frontEndUrl"]!.GetValue<string>());
        Assert.Equal("admin", order["appInfo"]!["userName"]!.GetValue<string>());
        Assert.NotNull(order["expiresAt"]);

        var newInstance = Assert.Single(market.RequestsFor(orderId, "newInstance"));
        Assert.True(newInstance.Verified, newInstance.VerificationError);
        Assert.Equal(placed["orderLineId"]!.GetValue<string>(), newInstance.Field("orderLineId"));
        Assert.Null(newInstance.Field("testFlag"));
        Assert.Single(market.RequestsFor(orderId, "queryInstance"));

        var call = await market.NewInstanceCallAsync(orderId);
        Assert.Equal("succeeded", call["status"]!.GetValue<string>());
        var attempt = Assert.Single(call["attempts"]!.AsArray())!;
        Assert.Equal(200, attempt["httpStatus"]!.GetValue<int>());
        Assert.Equal("000000", attempt["resultCode"]!.GetValue<string>());
        Assert.Equal(newInstance.Field("businessId"), attempt["businessId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_seller_that_answers_in_progress_is_polled_until_the_app_info_arrives()
    {
        await using var market = await server.MarketAsync();
        market.Fake.SetScenario(FakeScenario.InProgressThenAppInfo(notReadyPolls: 2));
        var orderId = (await market.OrderAsync(await market.ProductAsync()))["orderId"]!.GetValue<string>();

        var order = await market.WaitForOrderAsync(orderId, o => o["status"]?.GetValue<string>() == "active", "an active order");

        Assert.NotNull(order["appInfo"]?["frontEndUrl"]);
        var call = await market.NewInstanceCallAsync(orderId);
        Assert.Equal("succeeded", call["status"]!.GetValue<string>());
        var attempts = call["attempts"]!.AsArray().Select(a => (a!["activity"]!.GetValue<string>(), a["resultCode"]?.GetValue<string>())).ToList();
        Assert.Equal(("newInstance", "000004"), attempts[0]);
        Assert.Equal(3, attempts.Count(a => a.Item1 == "queryInstance")); // two not ready, then the app info
        Assert.Single(market.RequestsFor(orderId, "newInstance"));
    }

    [Fact]
    public async Task A_seller_that_fails_for_a_while_then_recovers_gets_the_call_delivered_with_every_attempt_recorded()
    {
        await using var market = await server.MarketAsync();
        market.Fake.SetScenarioForActivity("newInstance", FakeScenario.FailTimes(2));
        var orderId = (await market.OrderAsync(await market.ProductAsync()))["orderId"]!.GetValue<string>();

        await market.WaitForStatusAsync(orderId, "active");

        var call = await market.NewInstanceCallAsync(orderId);
        Assert.Equal("succeeded", call["status"]!.GetValue<string>());
        var attempts = call["attempts"]!.AsArray();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts.Take(2), a =>
        {
            Assert.Equal("000005", a!["resultCode"]!.GetValue<string>());
            Assert.Equal("failed", a["outcome"]!.GetValue<string>());
            Assert.Contains("000005", a["error"]!.GetValue<string>());
        });
        Assert.Equal("000000", attempts[2]!["resultCode"]!.GetValue<string>());
        var businessIds = attempts.Select(a => a!["businessId"]!.GetValue<string>()).ToList();
        Assert.Equal(3, businessIds.Distinct().Count()); // a new businessId on every attempt
        var gaps = attempts.Select(a => a!["at"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.True(gaps[1] - gaps[0] >= TimeSpan.FromSeconds(0.9), "the second attempt waits the first backoff (1 s)");
        Assert.True(gaps[2] - gaps[1] >= TimeSpan.FromSeconds(1.9), "the third attempt waits the second backoff (2 s)");

        var notices = await Market.EventuallyAsync(market.NotificationsAsync, n => n.Count >= 2, what: "two failure notifications");
        Assert.All(notices, n => Assert.Equal("call.attempt-failed", n!["kind"]!.GetValue<string>()));
        Assert.All(notices, n => Assert.Equal(call["callId"]!.GetValue<string>(), n!["callId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_time_out_counts_as_a_failed_attempt()
    {
        await using var market = await server.MarketAsync();
        market.Fake.SetScenarioForActivity("newInstance", FakeScenario.Timeout(TimeSpan.FromSeconds(4), times: 1));
        var orderId = (await market.OrderAsync(await market.ProductAsync()))["orderId"]!.GetValue<string>();

        await market.WaitForStatusAsync(orderId, "active");

        var call = await market.NewInstanceCallAsync(orderId);
        var attempts = call["attempts"]!.AsArray();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("timeout", attempts[0]!["failure"]!.GetValue<string>());
        Assert.Null(attempts[0]!["httpStatus"]);
        Assert.InRange(attempts[0]!["latencyMs"]!.GetValue<long>(), 1900, 3900);
        // The seller created the instance on the first (timed-out) request; the retry gets the same one back.
        var order = await market.GetOrderAsync(orderId);
        Assert.Equal(Assert.Single(market.Fake.Instances, i => i.OrderId == orderId).InstanceId, order["instanceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_repeated_order_request_with_the_same_idempotency_key_creates_no_second_instance()
    {
        await using var market = await server.MarketAsync();
        var productId = await market.ProductAsync();
        var first = await market.OrderAsync(productId, idempotencyKey: "order-once-1");
        var second = await market.OrderAsync(productId, idempotencyKey: "order-once-1");
        Assert.Equal(first["orderId"]!.GetValue<string>(), second["orderId"]!.GetValue<string>());
        var orderId = first["orderId"]!.GetValue<string>();

        await market.WaitForStatusAsync(orderId, "active");
        await Task.Delay(500);

        Assert.Single(market.Fake.Instances, i => i.OrderId == orderId);
        Assert.Single(market.RequestsFor(orderId, "newInstance"));
        var orders = market.Fake.Requests.Where(r => r.Activity == "newInstance").Select(r => r.Field("orderId")).Distinct().ToList();
        Assert.Equal([orderId], orders);
    }

    [Fact]
    public async Task An_on_demand_order_gets_its_instance_too()
    {
        await using var market = await server.MarketAsync();
        var orderId = (await market.OrderAsync(await market.ProductAsync("onDemand"), periodMonths: null))["orderId"]!.GetValue<string>();
        var order = await market.WaitForStatusAsync(orderId, "active");
        Assert.NotNull(order["instanceId"]);
        Assert.Null(order["expiresAt"]);
    }
}

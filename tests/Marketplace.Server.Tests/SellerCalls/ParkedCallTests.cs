using System.Net.Http.Json;
using Marketplace.FakeSeller;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.SellerCalls;

/// <summary>A seller that never recovers: the call parks at the window's end; the seller retries it or delivers by hand.</summary>
public sealed class ParkedCallTests(ParkingApp server) : IClassFixture<ParkingApp>
{
    [Fact]
    public async Task A_call_the_seller_never_answers_parks_at_the_windows_end_and_a_seller_retry_delivers_it()
    {
        await using var market = await server.MarketAsync();
        market.Fake.SetScenario(FakeScenario.FailAlways(FakeFailure.Http500));
        var orderId = (await market.OrderAsync(await market.ProductAsync()))["orderId"]!.GetValue<string>();

        var failed = await market.WaitForStatusAsync(orderId, "failed");
        Assert.Contains("retry window ended", failed["failedReason"]!.GetValue<string>());
        var call = await market.NewInstanceCallAsync(orderId);
        var callId = call["callId"]!.GetValue<string>();
        Assert.Equal("parked", call["status"]!.GetValue<string>());
        var attempts = call["attempts"]!.AsArray();
        // Attempts at about 0, 1, 3 (and 5) s after queuing: an attempt is made only when it starts before the 5 s deadline.
        Assert.InRange(attempts.Count, 3, 4);
        Assert.All(attempts, a => Assert.Equal(500, a!["httpStatus"]!.GetValue<int>()));
        Assert.True(call["parkedAt"]!.GetValue<DateTimeOffset>() <= call["deadline"]!.GetValue<DateTimeOffset>().AddSeconds(2));
        Assert.Null(call["nextAttemptAt"]);
        var parked = (await market.CallsAsync(orderId, status: "parked")).Select(c => c!["callId"]!.GetValue<string>());
        Assert.Contains(callId, parked);

        var notices = await Market.EventuallyAsync(market.NotificationsAsync, n => n.Count >= attempts.Count + 1, what: "a notification per failure and one for the park");
        Assert.Equal(attempts.Count, notices.Count(n => n!["kind"]!.GetValue<string>() == "call.attempt-failed"));
        var park = Assert.Single(notices, n => n!["kind"]!.GetValue<string>() == "call.parked")!;
        Assert.Contains("deliver the instance by hand", park["body"]!.GetValue<string>());

        // Nothing more goes out while parked.
        var sent = market.RequestsFor(orderId, "newInstance").Count;
        await Task.Delay(1500);
        Assert.Equal(sent, market.RequestsFor(orderId, "newInstance").Count);

        market.Fake.SetScenario(FakeScenario.Succeed());
        var retried = await (await market.Seller.PostAsync($"/api/seller/calls/{callId}/retry", null)).JsonAsync(202);
        Assert.Equal("pending", retried["status"]!.GetValue<string>());
        var order = await market.WaitForStatusAsync(orderId, "active");
        Assert.Equal(Assert.Single(market.Fake.Instances, i => i.OrderId == orderId).InstanceId, order["instanceId"]!.GetValue<string>());
        call = await market.CallAsync(callId);
        Assert.Equal("succeeded", call["status"]!.GetValue<string>());
        Assert.Equal(2, call["window"]!.GetValue<int>());
        Assert.Equal(attempts.Count + 1, call["attempts"]!.AsArray().Count);

        // Only a parked call can be retried.
        await (await market.Seller.PostAsync($"/api/seller/calls/{callId}/retry", null)).ProblemAsync(409, "call.not-parked");
    }

    [Fact]
    public async Task A_parked_newInstance_can_be_delivered_by_hand_and_the_order_continues_with_that_instance()
    {
        await using var market = await server.MarketAsync();
        market.Fake.SetScenario(FakeScenario.FailAlways());
        var orderId = (await market.OrderAsync(await market.ProductAsync()))["orderId"]!.GetValue<string>();
        var callId = (await market.NewInstanceCallAsync(orderId))["callId"]!.GetValue<string>();

        // Not parked yet (or parked soon): wait until it is.
        await market.WaitForCallAsync(callId, c => c["status"]!.GetValue<string>() == "parked", "the call to park");
        await (await market.Seller.PostAsJsonAsync($"/api/seller/calls/{callId}/manual-delivery", new { instanceId = " " })).ProblemAsync(422, "validation.failed");

        var delivered = await (await market.Seller.PostAsJsonAsync($"/api/seller/calls/{callId}/manual-delivery",
            new { instanceId = "hand-made-42", note = "created in our console after the outage" })).JsonAsync();
        Assert.Equal("manuallyDelivered", delivered["status"]!.GetValue<string>());
        Assert.Equal("hand-made-42", delivered["manualDelivery"]!["instanceId"]!.GetValue<string>());

        var order = await market.WaitForStatusAsync(orderId, "active");
        Assert.Equal("hand-made-42", order["instanceId"]!.GetValue<string>());
        Assert.Contains(order["changes"]!.AsArray(), c => c!["kind"]!.GetValue<string>() == "created-by-hand");
        await (await market.Seller.PostAsJsonAsync($"/api/seller/calls/{callId}/manual-delivery", new { instanceId = "again" })).ProblemAsync(409, "call.not-parked");
    }

    [Fact]
    public async Task A_repeated_newInstance_that_returns_another_instanceId_keeps_the_first_and_records_the_mismatch()
    {
        await using var market = await server.MarketAsync();
        // 000004 with instance A, then never ready within the window: the call parks knowing A.
        market.Fake.SetScenario(FakeScenario.InProgressThenAppInfo(notReadyPolls: 1000));
        var orderId = (await market.OrderAsync(await market.ProductAsync()))["orderId"]!.GetValue<string>();
        var callId = (await market.NewInstanceCallAsync(orderId))["callId"]!.GetValue<string>();
        var parked = await market.WaitForCallAsync(callId, c => c["status"]!.GetValue<string>() == "parked", "the call to park while in progress");
        var first = parked["instanceId"]!.GetValue<string>();

        // A seller that is not idempotent: the retried newInstance creates instance B.
        market.Fake.SetScenarioForActivity("newInstance", FakeScenario.DifferentInstanceIdOnRepeat());
        await (await market.Seller.PostAsync($"/api/seller/calls/{callId}/retry", null)).JsonAsync(202);
        var done = await market.WaitForCallAsync(callId, c => c["status"]!.GetValue<string>() == "succeeded", "the retried call to succeed");

        Assert.Equal(first, done["instanceId"]!.GetValue<string>());
        var mismatch = done["instanceIdMismatch"]!;
        Assert.Equal(first, mismatch["kept"]!.GetValue<string>());
        Assert.NotEqual(first, mismatch["returned"]!.GetValue<string>());
        var order = await market.WaitForStatusAsync(orderId, "active");
        Assert.Equal(first, order["instanceId"]!.GetValue<string>());
        Assert.Equal(2, market.Fake.Instances.Count(i => i.OrderId == orderId));
    }
}

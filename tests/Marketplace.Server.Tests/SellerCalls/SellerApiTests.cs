using System.Net.Http.Json;
using Marketplace.FakeSeller;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.SellerCalls;

/// <summary>Bad input, ownership, and the order query route of sellers' servers.</summary>
public sealed class SellerApiTests(RecoveringApp server) : IClassFixture<RecoveringApp>
{
    [Fact]
    public async Task Unknown_products_frozen_products_and_malformed_production_urls_are_refused()
    {
        await using var market = await server.MarketAsync();
        await (await market.Buyer.PostAsJsonAsync("/api/orders", new { productId = "PDNOSUCHPRODUCT" })).ProblemAsync(404, "product.not-found");

        var productId = await market.ProductAsync();
        var frozen = await (await market.Ops.PostAsJsonAsync($"/api/products/{productId}/freeze", new { reason = "interface down" })).JsonAsync();
        Assert.True(frozen["frozen"]!.GetValue<bool>());
        await (await market.Buyer.PostAsJsonAsync("/api/orders", new { productId, periodMonths = 1 })).ProblemAsync(409, "product.frozen");
        await (await market.Seller.PostAsJsonAsync($"/api/products/{productId}/freeze", new { })).ProblemAsync(403, "auth.forbidden");
        await (await market.Ops.PostAsync($"/api/products/{productId}/unfreeze", null)).JsonAsync();
        await (await market.Buyer.PostAsJsonAsync("/api/orders", new { productId, periodMonths = 1 })).JsonAsync(201);
        var notice = await Market.EventuallyAsync(market.NotificationsAsync, n => n.Any(x => x!["kind"]!.GetValue<string>() == "product.frozen"), what: "the seller told");
        Assert.Contains("interface down", notice.First(x => x!["kind"]!.GetValue<string>() == "product.frozen")!["body"]!.GetValue<string>());

        foreach (var url in new[] { "not a url", "ftp://www.example.com/saasproduce", "https://www.example.com/saasproduce?x=1", "https://user:pw@www.example.com/p" })
            await (await market.Ops.PostAsJsonAsync("/api/sellers", new { name = "Bad URL Ltd", productionUrl = url })).ProblemAsync(422, "seller.invalid-url");
    }

    [Fact]
    public async Task A_seller_cannot_see_or_touch_another_sellers_calls()
    {
        await using var market = await server.MarketAsync();
        await using var other = await server.MarketAsync();
        market.Fake.SetScenario(FakeScenario.FailAlways());
        var orderId = (await market.OrderAsync(await market.ProductAsync()))["orderId"]!.GetValue<string>();
        var callId = (await market.NewInstanceCallAsync(orderId))["callId"]!.GetValue<string>();

        await (await other.Seller.GetAsync($"/api/seller/calls/{callId}")).ProblemAsync(404, "call.not-found");
        await (await other.Seller.PostAsync($"/api/seller/calls/{callId}/retry", null)).ProblemAsync(404, "call.not-found");
        await (await other.Seller.PostAsJsonAsync($"/api/seller/calls/{callId}/manual-delivery", new { instanceId = "x" })).ProblemAsync(404, "call.not-found");
        var theirs = (await (await other.Seller.GetAsync("/api/seller/calls")).JsonAsync())["items"]!.AsArray();
        Assert.DoesNotContain(theirs, c => c!["callId"]!.GetValue<string>() == callId);
        await (await market.Buyer.GetAsync("/api/seller/calls")).ProblemAsync(403, "auth.forbidden");
        await (await market.Seller.GetAsync("/api/seller/calls?status=sleeping")).ProblemAsync(400, "validation.failed");

        // Ops see every call.
        var all = (await (await market.Ops.GetAsync($"/api/seller/calls?orderId={orderId}")).JsonAsync())["items"]!.AsArray();
        Assert.Contains(all, c => c!["callId"]!.GetValue<string>() == callId);
        await (await market.Ops.GetAsync($"/api/seller/calls/{callId}")).JsonAsync();

        // Another seller's product cannot be dial-tested by this one.
        await (await other.Seller.PostAsync($"/api/products/{(await market.ProductAsync())}/conformance-runs", null)).ProblemAsync(404, "product.not-found");
    }

    [Fact]
    public async Task The_order_query_answers_a_signed_request_with_the_order_as_its_seller_sees_it()
    {
        await using var market = await server.MarketAsync();
        await using var other = await server.MarketAsync();
        var placed = await market.OrderAsync(await market.ProductAsync());
        var orderId = placed["orderId"]!.GetValue<string>();
        var orderLineId = placed["orderLineId"]!.GetValue<string>();
        await market.WaitForStatusAsync(orderId, "active");
        var url = $"/api/mkp-openapi-public/global/v1/order/query?orderId={orderId}&orderLineId={orderLineId}";
        using var anonymous = server.App.CreateClient();

        var answer = await (await anonymous.SendAsync(SaasMarket.SignedGet(url, market.AccessKey))).JsonAsync();
        Assert.Equal("MKT.0000", answer["error_code"]!.GetValue<string>());
        var info = answer["orderInfo"]!;
        Assert.Equal(orderId, info["orderId"]!.GetValue<string>());
        Assert.Equal("NEW", info["orderType"]!.GetValue<string>());
        Assert.Equal("buyer-1", info["customerId"]!.GetValue<string>());
        var line = info["orderLineItems"]![0]!;
        Assert.Equal(orderLineId, line["orderLineId"]!.GetValue<string>());
        Assert.Equal("PERIOD", line["chargingMode"]!.GetValue<string>());
        Assert.Equal("12", line["periodNumber"]!.GetValue<string>());
        Assert.Equal(14, line["expireTime"]!.GetValue<string>().Length);
        Assert.NotNull(line["instanceId"]);

        await (await anonymous.GetAsync(url)).ProblemAsync(401, "auth.unauthenticated");
        await (await anonymous.SendAsync(SaasMarket.SignedGet(url, market.AccessKey, ts: DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds())))
            .ProblemAsync(401, "auth.stale-timestamp");
        await (await anonymous.SendAsync(SaasMarket.SignedGet(url, market.AccessKey, nonce: "not/a/nonce"))).ProblemAsync(401, "auth.bad-nonce");
        await (await anonymous.SendAsync(SaasMarket.SignedGet(url, "wrong-key"))).ProblemAsync(401, "auth.bad-signature");
        await (await anonymous.SendAsync(SaasMarket.SignedGet(url, other.AccessKey))).ProblemAsync(401, "auth.bad-signature"); // another seller's order
        // An unknown order answers as another seller's does: the route does not tell which order ids exist.
        await (await anonymous.SendAsync(SaasMarket.SignedGet("/api/mkp-openapi-public/global/v1/order/query?orderId=CSNOSUCHORDER", market.AccessKey)))
            .ProblemAsync(401, "auth.bad-signature");
        await (await anonymous.SendAsync(SaasMarket.SignedGet(url.Replace("-000001", "-000002", StringComparison.Ordinal), market.AccessKey)))
            .ProblemAsync(404, "order.not-found");

        // A nonce is good once, even when copies of the request race each other.
        var nonce = Guid.NewGuid().ToString();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var racing = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => anonymous.SendAsync(SaasMarket.SignedGet(url, market.AccessKey, ts, nonce))));
        Assert.Equal(1, racing.Count(r => (int)r.StatusCode == 200));
        foreach (var refused in racing.Where(r => (int)r.StatusCode != 200)) await refused.ProblemAsync(401, "auth.nonce-reused");
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_seller_call_routes()
    {
        using var client = server.App.CreateClient();
        var doc = await (await client.GetAsync("/api/openapi.json")).JsonAsync();
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var route in new[]
                 {
                     "/api/seller/calls", "/api/seller/calls/{callId}", "/api/seller/calls/{callId}/retry", "/api/seller/calls/{callId}/manual-delivery",
                     "/api/seller/notifications", "/api/sellers/{sellerId}/keys", "/api/sellers/{sellerId}/keys/{keyId}/activation",
                     "/api/orders/{orderId}/renewal", "/api/orders/{orderId}/upgrade", "/api/orders/{orderId}/unsubscribe", "/api/instances/{instanceId}/status",
                     "/api/mkp-openapi-public/global/v1/order/query", "/api/products/{productId}/conformance-runs",
                     "/api/products/{productId}/conformance-runs/{runId}",
                 })
            Assert.Contains(route, paths);
        Assert.NotNull(doc["paths"]!["/api/seller/calls/{callId}/retry"]!["post"]!["summary"]);
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.FakeSeller;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.SellerCalls;

/// <summary>
/// A seller with a fake production server (real HTTP on 127.0.0.1, independent signature checks), registered on a
/// running platform, with a buyer and ops. Each test opens its own, so tests sharing a server do not see each other's
/// calls.
/// </summary>
public sealed class SaasMarket : IAsyncDisposable
{
    private SaasMarket(FakeSellerServer fake, HttpClient ops, HttpClient seller, HttpClient buyer, string sellerId, string accessKey, string kitKey)
    {
        Fake = fake;
        Ops = ops;
        Seller = seller;
        Buyer = buyer;
        SellerId = sellerId;
        AccessKey = accessKey;
        KitKey = kitKey;
    }

    public FakeSellerServer Fake { get; }
    public HttpClient Ops { get; }
    public HttpClient Seller { get; }
    public HttpClient Buyer { get; }
    public string SellerId { get; }
    public string AccessKey { get; }
    public string KitKey { get; }

    /// <summary>Settings for short windows: 1 s and 2 s between attempts, polls every second, a 2 s timeout.</summary>
    public static Dictionary<string, string?> FastSettings(TimeSpan retryWindow) => new()
    {
        ["SellerCalls:RetryWindow"] = retryWindow.ToString("c", CultureInfo.InvariantCulture),
        ["SellerCalls:Backoff"] = "00:00:01,00:00:02",
        ["SellerCalls:QueryPollInterval"] = "00:00:01",
        ["SellerCalls:Timeout"] = "00:00:02",
    };

    public static async Task<SaasMarket> OpenAsync(Func<string, string, Task<HttpClient>> clientAs, string buyerId = "buyer-1")
    {
        var fake = await FakeSellerServer.StartAsync("not-yet-registered");
        var ops = await clientAs("ops-1", "ops");
        var registered = await (await ops.PostAsJsonAsync("/api/sellers", new { name = "Acme SaaS", productionUrl = fake.ProductionUrl.AbsoluteUri })).JsonAsync(201);
        var sellerId = registered["sellerId"]!.GetValue<string>();
        var accessKey = registered["accessKey"]!.GetValue<string>();
        var kitKey = registered["kitKey"]!.GetValue<string>();
        fake.SetAccessKeys(accessKey);
        fake.SetKitKeys(kitKey);
        return new SaasMarket(fake, ops, await clientAs(sellerId, "seller"), await clientAs(buyerId, "buyer"), sellerId, accessKey, kitKey);
    }

    public async Task<string> ProductAsync(string chargingMode = "period", string name = "CRM cloud")
    {
        var usageBilling = chargingMode == "onDemand" ? "hourly" : null;
        var p = await (await Seller.PostAsJsonAsync("/api/products", new { name, deliveryType = "saas", chargingMode, usageBilling })).JsonAsync(201);
        return p["productId"]!.GetValue<string>();
    }

    /// <summary>Buys the product; returns the 201 body (orderId, orderLineId, instanceId null).</summary>
    public async Task<JsonObject> OrderAsync(string productId, string? idempotencyKey = null, int? periodMonths = 12)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { productId, periodMonths }) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await (await Buyer.SendAsync(request)).JsonAsync(201);
    }

    public async Task<JsonObject> GetOrderAsync(string orderId, HttpClient? as_ = null) =>
        await (await (as_ ?? Buyer).GetAsync($"/api/orders/{orderId}")).JsonAsync();

    public Task<JsonObject> WaitForOrderAsync(string orderId, Func<JsonObject, bool> done, string what, TimeSpan? timeout = null) =>
        Market.EventuallyAsync(() => GetOrderAsync(orderId), done, timeout ?? TimeSpan.FromSeconds(30), what);

    public Task<JsonObject> WaitForStatusAsync(string orderId, string status, TimeSpan? timeout = null) =>
        WaitForOrderAsync(orderId, o => o["status"]?.GetValue<string>() == status, $"order {orderId} to be {status}", timeout);

    /// <summary>The seller's calls of an order (the calls it works for), newest first.</summary>
    public async Task<JsonArray> CallsAsync(string orderId, string? status = null)
    {
        var query = $"/api/seller/calls?orderId={orderId}" + (status is null ? "" : $"&status={status}");
        return (await (await Seller.GetAsync(query)).JsonAsync())["items"]!.AsArray();
    }

    public async Task<JsonObject> CallAsync(string callId, HttpClient? as_ = null) =>
        await (await (as_ ?? Seller).GetAsync($"/api/seller/calls/{callId}")).JsonAsync();

    public async Task<JsonObject> NewInstanceCallAsync(string orderId) =>
        await CallAsync((await Market.EventuallyAsync(() => CallsAsync(orderId), a => a.Any(c => c!["activity"]!.GetValue<string>() == "newInstance"),
            TimeSpan.FromSeconds(20), "the newInstance call")).First(c => c!["activity"]!.GetValue<string>() == "newInstance")!["callId"]!.GetValue<string>());

    public Task<JsonObject> WaitForCallAsync(string callId, Func<JsonObject, bool> done, string what, TimeSpan? timeout = null) =>
        Market.EventuallyAsync(() => CallAsync(callId), done, timeout ?? TimeSpan.FromSeconds(30), what);

    public async Task<JsonArray> NotificationsAsync() =>
        (await (await Seller.GetAsync("/api/seller/notifications")).JsonAsync())["items"]!.AsArray();

    /// <summary>Requests the fake received about one order (by orderId, or the instance it got), oldest first.</summary>
    public IReadOnlyList<ReceivedRequest> RequestsFor(string orderId, string? activity = null)
    {
        var instances = Fake.Instances.Where(i => i.OrderId == orderId).Select(i => i.InstanceId).ToHashSet(StringComparer.Ordinal);
        return Fake.Requests.Where(r => (activity is null || r.Activity == activity)
                                        && (r.Field("orderId") == orderId || (r.Field("instanceId") is { } id && id.Split(',').Any(instances.Contains))))
            .ToList();
    }

    /// <summary>Headers of a request from the seller's server (usage push style): ts, nonce, signature over "ts=..&amp;nonce=..&amp;body=".</summary>
    public static HttpRequestMessage SignedGet(string url, string key, long? ts = null, string? nonce = null)
    {
        var t = (ts ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture);
        var n = nonce ?? Guid.NewGuid().ToString();
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"ts={t}&nonce={n}&body=")));
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("ts", t);
        request.Headers.Add("nonce", n);
        request.Headers.Add("signature", signature);
        return request;
    }

    public ValueTask DisposeAsync() => Fake.DisposeAsync();
}

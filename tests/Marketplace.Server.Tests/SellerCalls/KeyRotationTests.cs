using System.Net.Http.Json;
using Marketplace.FakeSeller;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.SellerCalls;

/// <summary>A server whose replaced keys stay valid inbound for 4 s after a new key is activated.</summary>
public sealed class ShortOverlapApp : IAsyncLifetime
{
    public MarketplaceApp App { get; } = new(new Dictionary<string, string?>(SaasMarket.FastSettings(TimeSpan.FromSeconds(30)))
    {
        ["Sellers:KeyOverlap"] = "00:00:04",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => App.DisposeAsync().AsTask();
}

/// <summary>Key rotation: calls stay verifiable during the overlap, and calls to the seller switch when the new key is activated.</summary>
public sealed class KeyRotationTests(ShortOverlapApp server) : IClassFixture<ShortOverlapApp>
{
    [Fact]
    public async Task A_key_rotation_keeps_calls_verifiable_during_the_overlap()
    {
        await using var market = await SaasMarket.OpenAsync(server.App.ClientAsAsync);
        var productId = await market.ProductAsync();
        var first = (await market.OrderAsync(productId))["orderId"]!.GetValue<string>();
        await market.WaitForStatusAsync(first, "active");
        Assert.All(market.RequestsFor(first), r => Assert.Equal(0, r.KeyIndex));

        // Issue: the new key works inbound at once; calls to the seller still use the old one.
        var issued = await (await market.Seller.PostAsync($"/api/sellers/{market.SellerId}/keys", null)).JsonAsync(201);
        var keyId = issued["keyId"]!.GetValue<string>();
        var newKey = issued["accessKey"]!.GetValue<string>();
        Assert.NotEqual(market.AccessKey, newKey);
        Assert.NotEqual(newKey, issued["kitKey"]!.GetValue<string>());
        var keys = (await (await market.Seller.GetAsync($"/api/sellers/{market.SellerId}/keys")).Content.ReadFromJsonAsync<KeyList>())!.Keys;
        Assert.Equal(["active", "pending"], keys.Select(k => k.State));
        Assert.Equal(200, (int)(await market.Seller.SendAsync(SaasMarket.SignedGet(Query(first), market.AccessKey))).StatusCode);
        Assert.Equal(200, (int)(await market.Seller.SendAsync(SaasMarket.SignedGet(Query(first), newKey))).StatusCode);

        // The seller accepts both keys, then a call is under way (failing) when the new key is activated.
        market.Fake.SetAccessKeys(market.AccessKey, newKey);
        market.Fake.SetScenarioForActivity("newInstance", FakeScenario.FailAlways());
        var second = (await market.OrderAsync(productId))["orderId"]!.GetValue<string>();
        await market.Fake.WaitForAsync(r => r.Field("orderId") == second, 1);
        var activated = await (await market.Seller.PostAsync($"/api/sellers/{market.SellerId}/keys/{keyId}/activation", null)).Content.ReadFromJsonAsync<KeyList>();
        Assert.Equal(["retiring", "active"], activated!.Keys.Select(k => k.State));
        market.Fake.ClearScenarios();
        await market.WaitForStatusAsync(second, "active");
        var attempts = market.RequestsFor(second, "newInstance");
        Assert.Equal(0, attempts[0].KeyIndex);
        Assert.Equal(1, attempts[^1].KeyIndex); // the retry of a call queued before the activation is signed with the new key
        Assert.All(attempts, a => Assert.True(a.Verified, a.VerificationError));

        // During the overlap the old key still works inbound; after it, only the new one.
        Assert.Equal(200, (int)(await market.Seller.SendAsync(SaasMarket.SignedGet(Query(second), market.AccessKey))).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(4.5));
        await (await market.Seller.SendAsync(SaasMarket.SignedGet(Query(second), market.AccessKey))).ProblemAsync(401, "auth.bad-signature");
        Assert.Equal(200, (int)(await market.Seller.SendAsync(SaasMarket.SignedGet(Query(second), newKey))).StatusCode);

        // The seller drops the old key; calls keep verifying.
        market.Fake.SetAccessKeys(newKey);
        var instanceId = (await market.GetOrderAsync(second))["instanceId"]!.GetValue<string>();
        await (await market.Ops.PostAsJsonAsync($"/api/instances/{instanceId}/status", new { status = "FREEZE" })).JsonAsync(202);
        var freeze = (await market.Fake.WaitForAsync(r => r.Activity == "updateInstanceStatus" && r.Field("instanceId") == instanceId, 1))[0];
        Assert.True(freeze.Verified, freeze.VerificationError);

        // A retired key cannot come back; another seller cannot rotate this one's keys.
        await (await market.Seller.PostAsync($"/api/sellers/{market.SellerId}/keys/{keys[0].KeyId}/activation", null)).ProblemAsync(409, "seller.key-retired");
        var stranger = await server.App.ClientAsAsync("SLSOMEONEELSE1", "seller");
        await (await stranger.PostAsync($"/api/sellers/{market.SellerId}/keys", null)).ProblemAsync(404, "seller.not-found");
    }

    [Fact]
    public async Task Issuing_again_before_activation_withdraws_the_pending_key()
    {
        await using var market = await SaasMarket.OpenAsync(server.App.ClientAsAsync);
        var firstIssue = await (await market.Seller.PostAsync($"/api/sellers/{market.SellerId}/keys", null)).JsonAsync(201);
        var secondIssue = await (await market.Seller.PostAsync($"/api/sellers/{market.SellerId}/keys", null)).JsonAsync(201);
        var keys = (await (await market.Seller.GetAsync($"/api/sellers/{market.SellerId}/keys")).Content.ReadFromJsonAsync<KeyList>())!.Keys;
        Assert.Equal(["active", "retired", "pending"], keys.Select(k => k.State));
        await (await market.Seller.PostAsync($"/api/sellers/{market.SellerId}/keys/{firstIssue["keyId"]}/activation", null)).ProblemAsync(409, "seller.key-retired");
        await (await market.Seller.PostAsync($"/api/sellers/{market.SellerId}/keys/{secondIssue["keyId"]}/activation", null)).JsonAsync();
        await (await market.Seller.PostAsync($"/api/sellers/{market.SellerId}/keys/K-NO-SUCH/activation", null)).ProblemAsync(404, "seller.key-not-found");
    }

    private static string Query(string orderId) => $"/api/mkp-openapi-public/global/v1/order/query?orderId={orderId}";

    private sealed record KeyView(string KeyId, string State);

    private sealed record KeyList(string SellerId, List<KeyView> Keys);
}

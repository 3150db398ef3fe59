using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Server.Tests.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Marketplace.Server.Tests.Security;

/// <summary>
/// Rate limits of the seller-server routes and the request body caps, with small limits so the tests stay fast: a
/// seller over its budget gets 429 problem+json <c>rate.limited</c> with Retry-After, stores nothing, and succeeds once
/// it has waited; another seller is not slowed by it; an address is limited before its signature is even checked; an
/// oversized body is 413 and stores nothing; bad limit settings stop the server at start-up.
/// </summary>
public sealed class SellerServerLimitTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var settings = UsagePushTests.Settings();
        foreach (var (k, v) in extra) settings[k] = v;
        return settings;
    }

    [Fact]
    public async Task A_seller_over_its_budget_gets_429_with_Retry_After_stores_nothing_and_does_not_slow_another_seller()
    {
        // One request every 2 s after a burst of 2: the refill cannot land between the few requests below.
        await using var app = new MarketplaceApp(Settings(
            ("RateLimits:SellerServer:PermitsPerSecond", "0.5"), ("RateLimits:SellerServer:Burst", "2"),
            ("RateLimits:SellerServer:AddressPermitsPerSecond", "1000"), ("RateLimits:SellerServer:AddressBurst", "1000")));
        var market = await UsageMarket.OpenAsync(app.ClientAsAsync, app.CreateClient());
        var mine = await market.InstanceAsync("hourly");
        var (otherSeller, otherKey) = await market.RegisterSellerAsync("Other Metered Co");
        var theirs = await market.InstanceAsync("hourly", await market.ClientAsync(otherSeller, "seller"));
        var hour = UsageMarket.HourStart(market.ServerNow, 1);
        var productId = (await (await market.Seller.PostAsJsonAsync("/api/products", new { name = "CRM", deliveryType = "saas", chargingMode = "period" })).JsonAsync(201))["productId"]!.GetValue<string>();
        var orderId = (await (await market.Buyer.PostAsJsonAsync("/api/orders", new { productId, periodMonths = 1 })).JsonAsync(201))["orderId"]!.GetValue<string>();
        // The other seller goes first (its push also creates the day's tables, so the timed part below is quick).
        var other = await market.PushAsync(UsageMarket.Body([UsageMarket.Record(theirs, hour, TimeSpan.FromSeconds(30), 1m)]), key: otherKey);
        Assert.Equal(1, (await other.JsonAsync())["accepted_count"]!.GetValue<int>());

        // The burst: two pushes pass; the third is refused before its nonce is claimed or a record is stored.
        for (var i = 0; i < 2; i++)
            Assert.Equal(1, (await market.PushOkAsync([UsageMarket.Record(mine, hour.AddMinutes(i), TimeSpan.FromSeconds(30), 1m)]))["accepted_count"]!.GetValue<int>());
        var before = await StorageFingerprint.TakeAsync(app.Prefix);
        var nonce = Guid.NewGuid().ToString("N");
        var limited = await market.PushAsync(UsageMarket.Body([UsageMarket.Record(mine, hour.AddMinutes(2), TimeSpan.FromSeconds(30), 1m)]), nonce);
        await limited.ProblemAsync(429, "rate.limited");
        var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 3);
        Assert.Empty((await StorageFingerprint.TakeAsync(app.Prefix)).Since(before));

        // The order query shares the seller's budget.
        await (await market.Anonymous.SendAsync(SecurityWorld.Signed(HttpMethod.Get, $"/api/mkp-openapi-public/global/v1/order/query?orderId={orderId}", market.AccessKey, "")))
            .ProblemAsync(429, "rate.limited");

        // Another seller pushing meanwhile is not limited by the first one's flood.
        other = await market.PushAsync(UsageMarket.Body([UsageMarket.Record(theirs, hour.AddMinutes(1), TimeSpan.FromSeconds(30), 1m)]), key: otherKey);
        Assert.Equal(1, (await other.JsonAsync())["accepted_count"]!.GetValue<int>());

        // After Retry-After, the refused push goes through (even with the nonce it carried: it was never claimed).
        await Task.Delay(TimeSpan.FromSeconds(retryAfter) + TimeSpan.FromMilliseconds(200));
        var again = await market.PushAsync(UsageMarket.Body([UsageMarket.Record(mine, hour.AddMinutes(2), TimeSpan.FromSeconds(30), 1m)]), nonce);
        Assert.Equal(1, (await again.JsonAsync())["accepted_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_address_is_limited_before_its_signature_is_checked()
    {
        await using var app = new MarketplaceApp(Settings(("RateLimits:SellerServer:AddressPermitsPerSecond", "1"), ("RateLimits:SellerServer:AddressBurst", "3")));
        using var client = app.CreateClient();
        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            using var garbage = new StringContent("{\"usage_records\":[]}", Encoding.UTF8, "application/json");
            var response = await client.PostAsync(UsageMarket.PushPath, garbage);
            statuses.Add((int)response.StatusCode);
            if (i == 3)
            {
                await response.ProblemAsync(429, "rate.limited");
                Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            }
        }

        Assert.Equal([401, 401, 401, 429], statuses);
        // People's routes are not behind this limit.
        var ops = await app.ClientAsAsync("ops-1", "ops");
        Assert.Equal(200, (int)(await ops.GetAsync("/api/appeals")).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_cap_is_413_and_stores_nothing()
    {
        await using var app = new MarketplaceApp(Settings(("RequestLimits:MaxBodyBytes", "4096"), ("Billing:MaxPushBytes", "131072")));
        var market = await UsageMarket.OpenAsync(app.ClientAsAsync, app.CreateClient());
        var instanceId = await market.InstanceAsync("hourly");
        var before = await StorageFingerprint.SettledAsync(app.Prefix);

        // A JSON route: the default cap, declared or not (chunked).
        var big = JsonContent.Create(new { name = new string('n', 5000), productionUrl = "https://seller.example.com/saasproduce" });
        await (await market.Ops.PostAsync("/api/sellers", big)).ProblemAsync(413, "request.too-large");
        using var chunked = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes($"{{\"name\":\"{new string('n', 5000)}\"}}")));
        chunked.Headers.ContentType = new("application/json");
        await (await market.Ops.PostAsync("/api/sellers", chunked)).ProblemAsync(413, "request.too-large");

        // The usage push: its own cap (Billing:MaxPushBytes) and at most 1000 records.
        var hour = UsageMarket.HourStart(market.ServerNow, 1);
        var many = UsageMarket.Records(instanceId, hour, 1001, TimeSpan.FromSeconds(3));
        await (await market.PushAsync(UsageMarket.Body(many))).ProblemAsync(413, "request.too-large");
        var thousandAndOne = UsageMarket.Records(instanceId, hour, 1001, TimeSpan.FromSeconds(3)).Select(r => new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["instance_id"] = r["instance_id"], ["metering_sn"] = r["metering_sn"][..8], ["usage_value"] = "1",
        });
        var options = app.Services.GetService(typeof(IOptions<Marketplace.Core.Metering.MeteringOptions>)) as IOptions<Marketplace.Core.Metering.MeteringOptions>;
        Assert.Equal(131072, options!.Value.MaxPushBytes);
        await (await market.PushAsync(UsageMarket.Body(thousandAndOne))).ProblemAsync(413, "usage.too-many-records");

        Assert.Empty((await StorageFingerprint.TakeAsync(app.Prefix, includeNonces: false)).Since(before));
    }

    [Theory]
    [InlineData("RateLimits:SellerServer:PermitsPerSecond", "0", "RateLimits:SellerServer")]
    [InlineData("RateLimits:SellerServer:AddressBurst", "-5", "RateLimits:SellerServer")]
    [InlineData("RequestLimits:MaxBodyBytes", "10", "RequestLimits:MaxBodyBytes")]
    public async Task A_bad_limit_setting_stops_the_server_at_start_up(string key, string value, string named)
    {
        // The composition both hosts share (without a host's drivers), started as a host starts it: validation runs first.
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = TestStorage.ConnectionString,
            ["Auth:Authority"] = "https://127.0.0.1:9/",
            ["Auth:Audience"] = "api://marketplace",
            [key] = value,
        });
        Marketplace.Api.Hosting.MarketplaceServices.AddMarketplace(builder.Services, builder.Configuration, builder.Environment);
        await using var app = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

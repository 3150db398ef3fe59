using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.DialTests;
using Marketplace.Core.Timers;
using Marketplace.FakeSeller;
using Marketplace.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Server.Tests.SellerCalls;

public sealed class DialTestApp : IAsyncLifetime
{
    public MarketplaceApp App { get; } = new(SaasMarket.FastSettings(TimeSpan.FromSeconds(20)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => App.DisposeAsync().AsTask();
}

/// <summary>Conformance runs (seller-started) and the twice-daily dial tests that freeze a product after 5 failed days.</summary>
public sealed class DialTestTests(DialTestApp server) : IClassFixture<DialTestApp>
{
    private static Task<JsonObject> WaitForRunAsync(SaasMarket market, string productId, string runId) =>
        Market.EventuallyAsync(async () => await (await market.Seller.GetAsync($"/api/products/{productId}/conformance-runs/{runId}")).JsonAsync(),
            r => r["status"]!.GetValue<string>() != "running", TimeSpan.FromSeconds(30), "the run to finish");

    [Fact]
    public async Task A_conformance_run_sends_the_debug_cases_of_every_activity_and_reports_each()
    {
        await using var market = await SaasMarket.OpenAsync(server.App.ClientAsAsync);
        var productId = await market.ProductAsync();
        var started = await (await market.Seller.PostAsync($"/api/products/{productId}/conformance-runs", null)).JsonAsync(202);
        Assert.Equal("running", started["status"]!.GetValue<string>());
        var run = await WaitForRunAsync(market, productId, started["runId"]!.GetValue<string>());

        Assert.Equal("passed", run["status"]!.GetValue<string>());
        var cases = run["cases"]!.AsArray();
        Assert.Equal(["newInstance", "queryInstance", "refreshInstance RENEWAL", "updateInstanceStatus FREEZE", "updateInstanceStatus UNFREEZE", "releaseInstance"],
            cases.Select(c => c!["name"]!.GetValue<string>()));
        Assert.All(cases, c => Assert.Equal("000000", c!["resultCode"]!.GetValue<string>()));
        Assert.All(market.Fake.Requests, r => Assert.Equal("1", r.Field("testFlag")));
        var create = Assert.Single(market.Fake.Requests, r => r.Activity == "newInstance");
        Assert.Equal("MOCKPERIODYEARNEW", create.Field("orderId"));
        Assert.Equal("MOCKPERIODYEARNEW-000001", create.Field("orderLineId"));
        Assert.Equal("MOCKMONTYRENEW", Assert.Single(market.Fake.Requests, r => r.Activity == "refreshInstance").Field("orderId"));

        var onDemand = await market.ProductAsync("onDemand", "Metered API");
        var second = await (await market.Seller.PostAsync($"/api/products/{onDemand}/conformance-runs", null)).JsonAsync(202);
        var report = await WaitForRunAsync(market, onDemand, second["runId"]!.GetValue<string>());
        Assert.Equal(["newInstance", "queryInstance", "releaseInstance"], report["cases"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("MOCKONDEMAND", report["mockOrderId"]!.GetValue<string>());
        var runs = (await (await market.Seller.GetAsync($"/api/products/{productId}/conformance-runs")).JsonAsync())["items"]!.AsArray();
        Assert.Single(runs);
    }

    [Fact]
    public async Task A_failing_seller_fails_the_run_with_the_result_code_per_activity()
    {
        await using var market = await SaasMarket.OpenAsync(server.App.ClientAsAsync);
        market.Fake.SetScenarioForActivity("updateInstanceStatus", FakeScenario.ResultCode("000003"));
        var productId = await market.ProductAsync("oneTime", "Site builder");
        var started = await (await market.Seller.PostAsync($"/api/products/{productId}/conformance-runs", null)).JsonAsync(202);
        var run = await WaitForRunAsync(market, productId, started["runId"]!.GetValue<string>());

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Equal("MOCKONETIMENEW", run["mockOrderId"]!.GetValue<string>());
        var byName = run["cases"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!);
        Assert.True(byName["newInstance"]["passed"]!.GetValue<bool>());
        Assert.False(byName["updateInstanceStatus FREEZE"]["passed"]!.GetValue<bool>());
        Assert.Equal("000003", byName["updateInstanceStatus FREEZE"]["resultCode"]!.GetValue<string>());
        Assert.True(byName["releaseInstance"]["passed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Five_consecutive_days_of_failed_dial_tests_freeze_the_product_and_tell_ops()
    {
        await using var market = await SaasMarket.OpenAsync(server.App.ClientAsAsync);
        market.Fake.SetScenario(FakeScenario.FailAlways(FakeFailure.Http500));
        var productId = await market.ProductAsync(name: "Flaky CRM");
        var job = server.App.Services.GetServices<ICronJob>().OfType<DialTestCronJob>().Single();
        Assert.Equal("0 0 9,15 * * *", job.Schedule);

        // Five mornings (09:00 in Shanghai is 01:00 UTC), as the timer would run them.
        for (var day = 1; day <= 5; day++)
            await job.RunAsync(new DateTimeOffset(2031, 3, day, 1, 0, 0, TimeSpan.Zero), default);

        var product = await Market.EventuallyAsync(async () => await (await market.Seller.GetAsync($"/api/products/{productId}")).JsonAsync(),
            p => p["frozen"]!.GetValue<bool>(), TimeSpan.FromSeconds(40), "the product frozen by its dial tests");
        Assert.Contains("5 consecutive days", product["frozenReason"]!.GetValue<string>());
        await (await market.Buyer.PostAsJsonAsync("/api/orders", new { productId, periodMonths = 1 })).ProblemAsync(409, "product.frozen");

        var record = await (await market.Seller.GetAsync($"/api/products/{productId}/dial-tests")).JsonAsync();
        Assert.Equal(5, record["consecutiveFailedDays"]!.GetValue<int>());
        Assert.Equal(["2031-03-01", "2031-03-02", "2031-03-03", "2031-03-04", "2031-03-05"], record["days"]!.AsArray().Select(d => d!["day"]!.GetValue<string>()));
        var opsInbox = (await (await market.Ops.GetAsync("/api/seller/notifications")).JsonAsync())["items"]!.AsArray();
        Assert.Contains(opsInbox, n => n!["kind"]!.GetValue<string>() == "product.frozen" && n["productId"]!.GetValue<string>() == productId);
        var sellerInbox = await market.NotificationsAsync();
        Assert.Contains(sellerInbox, n => n!["kind"]!.GetValue<string>() == "product.frozen");

        // A frozen product is not dial-tested any more.
        var sent = market.Fake.Requests.Count;
        await job.RunAsync(new DateTimeOffset(2031, 3, 6, 1, 0, 0, TimeSpan.Zero), default);
        await Task.Delay(1000);
        Assert.Equal(sent, market.Fake.Requests.Count);
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.Usage;

/// <summary>
/// Bills end to end, in-process on Azurite (settings as <see cref="UsagePushTests"/>). The timers are off (each test runs the collection through
/// <c>POST /api/ops/bill-runs</c>, the same code) and each test has its own storage, so the first run of a test seals every
/// closed period of the last 21 days, including the past hours the test's records lie in.
/// </summary>
public sealed class UsageBillTests
{
    private static async Task<(MarketplaceApp App, UsageMarket Market)> OpenAsync(string? ingestWindow = null)
    {
        var settings = UsagePushTests.Settings();
        if (ingestWindow is not null) settings["Billing:IngestWindow"] = ingestWindow;
        var app = new MarketplaceApp(settings);
        return (app, await UsageMarket.OpenAsync(app.ClientAsAsync, app.CreateClient()));
    }

    [Fact]
    public async Task A_seller_pushes_1000_records_and_reads_them_back_in_a_sealed_bill_after_a_run()
    {
        var (app, market) = await OpenAsync();
        await using var _ = app;
        var instanceId = await market.InstanceAsync("hourly");
        var hour = UsageMarket.HourStart(market.ServerNow, 3);
        var records = UsageMarket.Records(instanceId, hour, 1000, TimeSpan.FromSeconds(3));

        var pushed = await market.PushOkAsync(records);
        Assert.Equal(1000, pushed["accepted_count"]!.GetValue<int>());
        Assert.Empty(pushed["abnormal_usage_data"]!.AsArray());

        var run = await market.RunBillsAsync("hour");
        var bill = Assert.Single(run["bills"]!.AsArray(), b => b!["instanceId"]!.GetValue<string>() == instanceId)!;
        Assert.Equal(1000, bill["recordCount"]!.GetValue<int>());
        Assert.Equal(0, bill["lateRecordCount"]!.GetValue<int>());
        Assert.Equal(UsageMarket.Sum(records), bill["usageTotal"]!.GetValue<decimal>());
        Assert.Equal(hour, bill["periodStart"]!.GetValue<DateTimeOffset>());
        Assert.Equal("hour", bill["granularity"]!.GetValue<string>());

        // Listed for the seller and the buyer, and its records read back in the seal's order, hash verified.
        var listed = Assert.Single(await market.BillsAsync(instanceId, market.Seller))!;
        Assert.Equal(bill["billId"]!.GetValue<string>(), listed["billId"]!.GetValue<string>());
        Assert.Single(await market.BillsAsync(instanceId, market.Buyer));
        var read = await market.BillRecordsAsync(bill["billId"]!.GetValue<string>(), market.Seller);
        Assert.True(read["verified"]!.GetValue<bool>());
        var sealedRecords = read["records"]!.AsArray();
        Assert.Equal(1000, sealedRecords.Count);
        Assert.Equal(records.Select(r => r["metering_sn"]).ToHashSet(), sealedRecords.Select(r => r!["meteringSn"]!.GetValue<string>()).ToHashSet());
        Assert.Equal(records[0]["begin_time"], sealedRecords[0]!["beginTime"]!.GetValue<string>());
        Assert.All(sealedRecords, r => Assert.False(r!["late"]!.GetValue<bool>()));

        // Running again seals nothing twice.
        var again = await market.RunBillsAsync("hour");
        Assert.Equal(0, again["billCount"]!.GetValue<int>());
        Assert.Single(await market.BillsAsync(instanceId));
    }

    [Fact]
    public async Task A_daily_instance_gets_one_bill_for_its_local_day()
    {
        var (app, market) = await OpenAsync();
        await using var _ = app;
        var instanceId = await market.InstanceAsync("daily");
        // Two local days ago in Shanghai (UTC+8): its day bill was due at 01:00 yesterday.
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var localDay = TimeZoneInfo.ConvertTime(market.ServerNow, shanghai).Date.AddDays(-2);
        var dayStart = new DateTimeOffset(localDay, TimeSpan.FromHours(8)).ToUniversalTime();
        var records = UsageMarket.Records(instanceId, dayStart, 48, TimeSpan.FromMinutes(30)); // the whole local day

        Assert.Equal(48, (await market.PushOkAsync(records))["accepted_count"]!.GetValue<int>());
        Assert.Equal(0, (await market.RunBillsAsync("hour"))["bills"]!.AsArray().Count(b => b!["instanceId"]!.GetValue<string>() == instanceId));

        var run = await market.RunBillsAsync("day");
        var bill = Assert.Single(run["bills"]!.AsArray(), b => b!["instanceId"]!.GetValue<string>() == instanceId)!;
        Assert.Equal(48, bill["recordCount"]!.GetValue<int>());
        Assert.Equal("day", bill["granularity"]!.GetValue<string>());
        Assert.Equal(dayStart, bill["periodStart"]!.GetValue<DateTimeOffset>());
        Assert.Equal(localDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), bill["periodLabel"]!.GetValue<string>());
        Assert.True((await market.BillRecordsAsync(bill["billId"]!.GetValue<string>(), market.Buyer))["verified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Two_concurrent_pushes_of_the_same_records_bill_each_record_once()
    {
        // The loser of each race reads what it lost; on two busy cores that takes longer than the other tests' window.
        var (app, market) = await OpenAsync(ingestWindow: "00:00:10");
        await using var _ = app;
        var instanceId = await market.InstanceAsync("hourly");
        var other = await market.InstanceAsync("hourly");
        var hour = UsageMarket.HourStart(market.ServerNow, 2);
        var records = UsageMarket.Records(instanceId, hour, 600, TimeSpan.FromSeconds(5))
            .Concat(UsageMarket.Records(other, hour, 400, TimeSpan.FromSeconds(9))).ToList();
        var body = UsageMarket.Body(records);

        for (var round = 0; round < 3; round++)
        {
            var pushes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () => await (await market.PushAsync(body)).JsonAsync())));
            var acceptedNow = pushes.Sum(p => p["accepted_count"]!.GetValue<int>());
            Assert.Equal(round == 0 ? 1000 : 0, acceptedNow);
            var duplicates = pushes.SelectMany(p => p["abnormal_usage_data"]!.AsArray()).ToList();
            Assert.Equal(round == 0 ? 1000 : 2000, duplicates.Count);
            Assert.All(duplicates, d => Assert.Contains(d!["error_code"]!.GetValue<string>(), new[] { "005", "010" }));
        }

        var bills = (await market.RunBillsAsync())["bills"]!.AsArray();
        var mine = Assert.Single(bills, b => b!["instanceId"]!.GetValue<string>() == instanceId)!;
        var theirs = Assert.Single(bills, b => b!["instanceId"]!.GetValue<string>() == other)!;
        Assert.Equal(600, mine["recordCount"]!.GetValue<int>());
        Assert.Equal(400, theirs["recordCount"]!.GetValue<int>());
        Assert.Equal(UsageMarket.Sum(records), mine["usageTotal"]!.GetValue<decimal>() + theirs["usageTotal"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Buyers_and_sellers_see_only_their_own_bills()
    {
        var (app, market) = await OpenAsync();
        await using var _ = app;
        var instanceId = await market.InstanceAsync("hourly");
        await market.PushOkAsync(UsageMarket.Records(instanceId, UsageMarket.HourStart(market.ServerNow, 2), 5, TimeSpan.FromMinutes(1)));
        var billId = Assert.Single((await market.RunBillsAsync())["bills"]!.AsArray())!["billId"]!.GetValue<string>();
        var (otherSellerId, _) = await market.RegisterSellerAsync("Someone Else");
        var otherSeller = await market.ClientAsync(otherSellerId, "seller");

        foreach (var stranger in new[] { market.OtherBuyer, otherSeller })
        {
            await (await stranger.GetAsync($"/api/bills?instanceId={instanceId}")).ProblemAsync(404, "instance.not-found");
            await (await stranger.GetAsync($"/api/bills/{billId}")).ProblemAsync(404, "bill.not-found");
            await (await stranger.GetAsync($"/api/bills/{billId}/records")).ProblemAsync(404, "bill.not-found");
        }

        foreach (var party in new[] { market.Seller, market.Buyer, market.Ops })
        {
            Assert.Equal(billId, (await (await party.GetAsync($"/api/bills/{billId}")).JsonAsync())["billId"]!.GetValue<string>());
        }

        await (await market.Seller.PostAsJsonAsync("/api/ops/bill-runs", new { granularity = "hour" })).ProblemAsync(403, "auth.forbidden");
        await (await market.Anonymous.GetAsync($"/api/bills?instanceId={instanceId}")).ProblemAsync(401, "auth.unauthenticated");
        await (await market.Ops.GetAsync("/api/bills/bill-hour-nonsense")).ProblemAsync(404, "bill.not-found");
    }
}

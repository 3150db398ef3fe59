using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.Usage;

/// <summary>
/// The usage push and the bills end to end, in-process on Azurite. The timers are off (each test runs the collection through
/// <c>POST /api/ops/bill-runs</c>, the same code) and each test has its own storage, so the first run of a test seals every
/// closed period of the last 21 days, including the past hours the test's records lie in.
/// </summary>
public sealed class UsagePushTests
{
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Billing:HourlySchedule"] = "off",
        ["Billing:DailySchedule"] = "off",
        ["Billing:RetentionSchedule"] = "off",
        ["Billing:IngestWindow"] = "00:00:03",
    };

    private static async Task<(MarketplaceApp App, UsageMarket Market)> OpenAsync(string? ingestWindow = null)
    {
        var settings = Settings();
        if (ingestWindow is not null) settings["Billing:IngestWindow"] = ingestWindow;
        var app = new MarketplaceApp(settings);
        return (app, await UsageMarket.OpenAsync(app.ClientAsAsync, app.CreateClient()));
    }

    [Fact]
    public async Task Duplicates_in_the_same_call_and_across_calls_are_reported_and_not_billed()
    {
        var (app, market) = await OpenAsync();
        await using var _ = app;
        var instanceId = await market.InstanceAsync("hourly");
        var hour = UsageMarket.HourStart(market.ServerNow, 2);
        var a = UsageMarket.Record(instanceId, hour, TimeSpan.FromMinutes(10), 1.5m, "sn-a");
        var b = UsageMarket.Record(instanceId, hour.AddMinutes(10), TimeSpan.FromMinutes(10), 2.25m, "sn-b");
        var sameIntervalAsA = UsageMarket.Record(instanceId, hour, TimeSpan.FromMinutes(10), 7m, "sn-c");
        var sameSnAsB = UsageMarket.Record(instanceId, hour.AddMinutes(30), TimeSpan.FromMinutes(10), 9m, "sn-b");

        var first = await market.PushOkAsync([a, b, sameIntervalAsA, sameSnAsB]);
        Assert.Equal(2, first["accepted_count"]!.GetValue<int>());
        AssertAbnormal(first, (2, "010", "sn-c"), (3, "005", "sn-b"));

        // The whole request again: already received.
        var resend = await market.PushOkAsync([a, b]);
        Assert.Equal(0, resend["accepted_count"]!.GetValue<int>());
        AssertAbnormal(resend, (0, "005", "sn-a"), (1, "005", "sn-b"));

        // Across calls: a new sn for an accepted interval (010), an accepted sn for a new interval (005), and one new record.
        var fresh = UsageMarket.Record(instanceId, hour.AddMinutes(40), TimeSpan.FromMinutes(10), 0.0001m, "sn-d");
        var later = await market.PushOkAsync([
            UsageMarket.Record(instanceId, hour.AddMinutes(10), TimeSpan.FromMinutes(10), 3m, "sn-e"),
            UsageMarket.Record(instanceId, hour.AddMinutes(20), TimeSpan.FromMinutes(10), 3m, "sn-a"),
            fresh,
        ]);
        Assert.Equal(1, later["accepted_count"]!.GetValue<int>());
        AssertAbnormal(later, (0, "010", "sn-e"), (1, "005", "sn-a"));

        // A record refused by storage claims nothing: a later record of the same request with its sn is accepted.
        var retried = await market.PushOkAsync([
            UsageMarket.Record(instanceId, hour, TimeSpan.FromMinutes(10), 5m, "sn-f"),
            UsageMarket.Record(instanceId, hour.AddMinutes(50), TimeSpan.FromMinutes(5), 0.5m, "sn-f"),
        ]);
        Assert.Equal(1, retried["accepted_count"]!.GetValue<int>());
        AssertAbnormal(retried, (0, "010", "sn-f"));

        var bill = Assert.Single((await market.RunBillsAsync())["bills"]!.AsArray(), x => x!["instanceId"]!.GetValue<string>() == instanceId)!;
        Assert.Equal(4, bill["recordCount"]!.GetValue<int>());
        Assert.Equal(1.5m + 2.25m + 0.0001m + 0.5m, bill["usageTotal"]!.GetValue<decimal>());
        var sealedSns = (await market.BillRecordsAsync(bill["billId"]!.GetValue<string>()))["records"]!.AsArray()
            .Select(r => r!["meteringSn"]!.GetValue<string>()).ToList();
        Assert.Equal(["sn-a", "sn-b", "sn-d", "sn-f"], sealedSns);
    }

    [Fact]
    public async Task A_bad_signature_a_stale_ts_and_a_reused_nonce_get_401_and_store_nothing()
    {
        var (app, market) = await OpenAsync();
        await using var _ = app;
        var instanceId = await market.InstanceAsync("hourly");
        var hour = UsageMarket.HourStart(market.ServerNow, 2);
        var records = UsageMarket.Records(instanceId, hour, 20, TimeSpan.FromMinutes(1));
        var body = UsageMarket.Body(records);

        await (await market.PushAsync(body, key: "not-the-sellers-key")).ProblemAsync(401, "auth.bad-signature");
        await (await market.PushAsync(body + " ", signature: UsageMarket.Sign(market.AccessKey, market.Ts(), "n-1", body), nonce: "n-1")).ProblemAsync(401, "auth.bad-signature");
        await (await market.PushAsync(body, ts: market.Ts(TimeSpan.FromSeconds(-90)))).ProblemAsync(401, "auth.stale-timestamp");
        await (await market.PushAsync(body, ts: market.Ts(TimeSpan.FromSeconds(90)))).ProblemAsync(401, "auth.stale-timestamp");
        var unknown = UsageMarket.Body([UsageMarket.Record("no-such-instance", hour, TimeSpan.FromMinutes(1), 1m)]);
        await (await market.PushAsync(unknown)).ProblemAsync(401, "auth.bad-signature");

        // A nonce is good once: the replay of an accepted push, and a new push reusing its nonce, are refused.
        var used = Guid.NewGuid().ToString();
        var small = UsageMarket.Body([UsageMarket.Record(instanceId, hour.AddMinutes(50), TimeSpan.FromMinutes(1), 1m)]);
        var ts = market.Ts();
        Assert.Equal(1, (await (await market.PushAsync(small, nonce: used, ts: ts)).JsonAsync())["accepted_count"]!.GetValue<int>());
        await (await market.PushAsync(small, nonce: used, ts: ts)).ProblemAsync(401, "auth.nonce-reused");
        await (await market.PushAsync(body, nonce: used)).ProblemAsync(401, "auth.nonce-reused");

        // Nothing of the refused pushes was stored: the same records are all accepted now.
        var accepted = await market.PushOkAsync(records);
        Assert.Equal(20, accepted["accepted_count"]!.GetValue<int>());
        Assert.Empty(accepted["abnormal_usage_data"]!.AsArray());
    }

    [Fact]
    public async Task A_push_beyond_1000_records_is_refused_whole_and_other_sellers_instances_are_009()
    {
        var (app, market) = await OpenAsync();
        await using var _ = app;
        var instanceId = await market.InstanceAsync("hourly");
        var hour = UsageMarket.HourStart(market.ServerNow, 2);
        await (await market.PushAsync(UsageMarket.Body(UsageMarket.Records(instanceId, hour, 1001, TimeSpan.FromSeconds(1)))))
            .ProblemAsync(413, "usage.too-many-records");

        var (otherSellerId, otherKey) = await market.RegisterSellerAsync("Someone Else");
        var otherSeller = await market.ClientAsync(otherSellerId, "seller");
        var foreign = await market.InstanceAsync("hourly", otherSeller);
        var body = UsageMarket.Body([
            UsageMarket.Record(instanceId, hour, TimeSpan.FromMinutes(1), 1m, "x-1"),
            UsageMarket.Record(foreign, hour, TimeSpan.FromMinutes(1), 1m, "x-2"),
            UsageMarket.Record(instanceId, hour.AddMinutes(1), TimeSpan.FromMinutes(1), 1.23456m, "x-3"),
        ]);
        var mine = await (await market.PushAsync(body)).JsonAsync();
        Assert.Equal(1, mine["accepted_count"]!.GetValue<int>());
        AssertAbnormal(mine, (1, "009", "x-2"), (2, "003", "x-3"));

        // The other seller's key signs for its own instance only.
        var theirs = await (await market.PushAsync(body, key: otherKey)).JsonAsync();
        Assert.Equal(1, theirs["accepted_count"]!.GetValue<int>());
        AssertAbnormal(theirs, (0, "009", "x-1"), (2, "003", "x-3")); // 003 is checked before 009
    }

    private static void AssertAbnormal(JsonObject response, params (int Index, string Code, string Sn)[] expected)
    {
        var actual = response["abnormal_usage_data"]!.AsArray()
            .Select(a => (a!["record_index"]!.GetValue<int>(), a["error_code"]!.GetValue<string>(), a["metering_sn"]!.GetValue<string>()))
            .ToArray();
        Assert.Equal(expected, actual);
    }
}

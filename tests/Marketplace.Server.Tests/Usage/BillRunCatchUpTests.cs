using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.Usage;

/// <summary>
/// The timers' catch-up, end to end on real server processes. Each server stands at a chosen moment through the
/// Development-only <c>Dev:ClockOffset</c> (its TimeProvider; the real CronService, bill-run job and storage run unchanged),
/// so "two hours later" takes seconds. Hours in Asia/Shanghai are UTC hours.
/// </summary>
public sealed class BillRunCatchUpTests
{
    private static Dictionary<string, string?> Settings(TimeSpan clockOffset) => new()
    {
        ["Dev:ClockOffset"] = clockOffset.ToString("c"),
        ["Billing:IngestWindow"] = "00:00:03",
        ["Billing:DailySchedule"] = "off",
        ["Billing:RetentionSchedule"] = "off",
    };

    /// <summary>The offset that puts a server's clock at <paramref name="moment"/> now.</summary>
    private static TimeSpan At(DateTimeOffset moment) => moment - DateTimeOffset.UtcNow;

    [Fact]
    public async Task A_server_stopped_across_two_hourly_boundaries_seals_both_hours_at_restart_and_bills_late_records_next()
    {
        var prefix = TestStorage.NewPrefix();
        var h0 = UsageMarket.HourStart(DateTimeOffset.UtcNow, 3);

        // Server A at H0+00:05. Its start-up catch-up seals through H0-1h (the H0-1h hour is due only at H0+00:15).
        var offsetA = At(h0.AddMinutes(5));
        var a = await ServerProcess.StartAsync(prefix, Settings(offsetA));
        UsageMarket market;
        string instanceId;
        List<SortedDictionary<string, string>> previousHour, thisHour;
        try
        {
            market = await UsageMarket.OpenAsync(UsageMarket.ClientsOf(a), a.CreateClient(), offsetA);
            await market.SealedThroughAsync(h0.AddHours(-1));
            instanceId = await market.InstanceAsync("hourly");
            previousHour = UsageMarket.Records(instanceId, h0.AddHours(-1), 30, TimeSpan.FromMinutes(1));
            thisHour = UsageMarket.Records(instanceId, h0, 6, TimeSpan.FromSeconds(30));
            Assert.Equal(36, (await market.PushOkAsync(previousHour.Concat(thisHour)))["accepted_count"]!.GetValue<int>());
        }
        finally
        {
            a.Kill(); // SIGKILL at H0+00:05: the runs of H0+00:15 and H0+01:15 are missed
        }

        // Server B at H0+01:20: its start-up catch-up seals both hours, each in its own bill, nothing late.
        var offsetB = At(h0.AddMinutes(80));
        await using (var b = await ServerProcess.StartAsync(prefix, Settings(offsetB)))
        {
            market = await market.ReopenAsync(UsageMarket.ClientsOf(b), b.CreateClient(), offsetB);
            await market.SealedThroughAsync(h0.AddHours(1));
            var bills = await market.BillsAsync(instanceId, market.Seller, from: h0.AddHours(-2));
            Assert.Equal(2, bills.Count);
            Assert.Equal(h0.AddHours(-1), bills[0]!["periodStart"]!.GetValue<DateTimeOffset>());
            Assert.Equal(30, bills[0]!["recordCount"]!.GetValue<int>());
            Assert.Equal(UsageMarket.Sum(previousHour), bills[0]!["usageTotal"]!.GetValue<decimal>());
            Assert.Equal(h0, bills[1]!["periodStart"]!.GetValue<DateTimeOffset>());
            Assert.Equal(6, bills[1]!["recordCount"]!.GetValue<int>());
            Assert.All(bills, bill => Assert.Equal(0, bill!["lateRecordCount"]!.GetValue<int>()));
            Assert.All(bills, bill => Assert.True(bill!["sealedAt"]!.GetValue<DateTimeOffset>() >= h0.AddMinutes(80)));

            // A record of the sealed H0-1h hour arrives now: it is accepted, and billed late in the next bill.
            var late = UsageMarket.Record(instanceId, h0.AddMinutes(-10), TimeSpan.FromMinutes(5), 4.5m, "late-1");
            var current = UsageMarket.Record(instanceId, h0.AddMinutes(65), TimeSpan.FromMinutes(5), 0.5m, "current-1");
            Assert.Equal(2, (await market.PushOkAsync([late, current]))["accepted_count"]!.GetValue<int>());
            b.Kill();
        }

        // Server C at H0+02:20: the H0+1h hour is sealed with its record and the late one, flagged; older bills are unchanged.
        var offsetC = At(h0.AddMinutes(140));
        await using var c = await ServerProcess.StartAsync(prefix, Settings(offsetC));
        market = await market.ReopenAsync(UsageMarket.ClientsOf(c), c.CreateClient(), offsetC);
        await market.SealedThroughAsync(h0.AddHours(2));
        var all = await market.BillsAsync(instanceId, market.Buyer, from: h0.AddHours(-2));
        Assert.Equal(3, all.Count);
        Assert.Equal(30, all[0]!["recordCount"]!.GetValue<int>());
        var next = all[2]!;
        Assert.Equal(h0.AddHours(1), next["periodStart"]!.GetValue<DateTimeOffset>());
        Assert.Equal(2, next["recordCount"]!.GetValue<int>());
        Assert.Equal(1, next["lateRecordCount"]!.GetValue<int>());
        Assert.Equal(5m, next["usageTotal"]!.GetValue<decimal>());
        var records = await market.BillRecordsAsync(next["billId"]!.GetValue<string>(), market.Buyer);
        Assert.True(records["verified"]!.GetValue<bool>());
        Assert.Equal(
            [("late-1", true), ("current-1", false)],
            records["records"]!.AsArray().Select(r => (r!["meteringSn"]!.GetValue<string>(), r["late"]!.GetValue<bool>())).ToArray());
        Assert.True((await market.BillRecordsAsync(all[0]!["billId"]!.GetValue<string>()))["verified"]!.GetValue<bool>());
    }
}

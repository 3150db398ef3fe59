using Marketplace.Core.Metering;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Server.Tests.Usage;

/// <summary>Retention drops whole billing days: their record and claim tables go, bills stay.</summary>
public sealed class UsageRetentionTests
{
    [Fact]
    public async Task Retention_drops_the_tables_of_expired_billing_days_and_keeps_the_bills()
    {
        await using var app = new MarketplaceApp(UsagePushTests.Settings());
        var market = await UsageMarket.OpenAsync(app.ClientAsAsync, app.CreateClient());
        var instanceId = await market.InstanceAsync("hourly");
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(market.ServerNow, shanghai).DateTime);
        var threeDaysAgo = new DateTimeOffset(today.AddDays(-3).ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8)).ToUniversalTime();
        var yesterday = new DateTimeOffset(today.AddDays(-1).ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8)).ToUniversalTime();
        await market.PushOkAsync(UsageMarket.Records(instanceId, threeDaysAgo, 10, TimeSpan.FromMinutes(1))
            .Concat(UsageMarket.Records(instanceId, yesterday, 10, TimeSpan.FromMinutes(1))));
        var billId = (await market.RunBillsAsync())["bills"]!.AsArray()[0]!["billId"]!.GetValue<string>();

        var tables = app.Services.GetRequiredService<StorageAccount>().GetTableServiceClient();
        async Task<List<string>> DayTablesAsync(DateOnly day)
        {
            var names = new List<string>();
            await foreach (var name in tables.ListTablesAsync(app.Prefix + UsageKeys.DayTablePrefix(day))) names.Add(name);
            return names;
        }

        var expired = await DayTablesAsync(today.AddDays(-3)); // the instance's record table and the claim tables of its sns
        Assert.Contains(app.Prefix + UsageKeys.RecordTableName(today.AddDays(-3), instanceId), expired);
        var kept = await DayTablesAsync(today.AddDays(-1));
        var ledger = app.Services.GetRequiredService<IUsageLedger>();
        var dropped = await ledger.DropExpiredAsync(today.AddDays(-2), DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2), market.ServerNow.AddDays(-2), CancellationToken.None);

        Assert.Equal(expired.Order(), dropped.Order());
        Assert.Empty(await DayTablesAsync(today.AddDays(-3)));
        Assert.Equal(kept, await DayTablesAsync(today.AddDays(-1)));
        Assert.Empty(await ledger.ActiveInstancesAsync(today.AddDays(-3), CancellationToken.None));
        Assert.Equal([instanceId], await ledger.ActiveInstancesAsync(today.AddDays(-1), CancellationToken.None));

        // The bill stays; its records are gone with their day.
        var records = await market.BillRecordsAsync(billId);
        Assert.Equal(10, records["bill"]!["recordCount"]!.GetValue<int>());
        Assert.Empty(records["records"]!.AsArray());
        Assert.False(records["verified"]!.GetValue<bool>());
    }
}

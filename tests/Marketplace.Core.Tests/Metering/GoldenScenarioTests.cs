using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Metering;

namespace Marketplace.Core.Tests.Metering;

/// <summary>
/// Golden files: <c>Golden/{name}.scenario.json</c> (instances, raw push bodies and runs, in time order) must produce exactly
/// <c>Golden/{name}.expected.json</c> (every push response and every run's bills). To regenerate after a deliberate change,
/// run the tests with <c>METERING_UPDATE_GOLDEN=1</c> and review the diff.
/// </summary>
public class GoldenScenarioTests
{
    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Theory]
    [InlineData("daily-shanghai")]
    [InlineData("hourly-catch-up")]
    public void Scenario_produces_the_expected_responses_and_bills(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Metering", "Golden");
        var scenario = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, $"{name}.scenario.json")))!;

        var actual = JsonSerializer.Serialize(Play(scenario), Output).ReplaceLineEndings("\n") + "\n";

        if (Environment.GetEnvironmentVariable("METERING_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceFolder(), "Golden", $"{name}.expected.json"), actual);
        }

        var expected = File.ReadAllText(Path.Combine(folder, $"{name}.expected.json")).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual);
    }

    private static JsonArray Play(JsonNode scenario)
    {
        var options = new MeteringOptions { TimeZone = scenario["timeZone"]!.GetValue<string>() };
        var granularity = scenario["granularity"]!.GetValue<string>() == "hour" ? BillingGranularity.Hour : BillingGranularity.Day;
        DateTimeOffset? sealedThrough = Time(scenario["sealedThrough"]!);
        var instances = scenario["instances"]!.AsObject().ToDictionary(
            p => p.Key,
            p => (Facts: new InstanceFacts(
                    p.Value!["sellerId"]!.GetValue<string>(),
                    p.Value["onDemand"]!.GetValue<bool>(),
                    Enum.Parse<InstanceUsageStatus>(p.Value["status"]!.GetValue<string>()),
                    p.Value["delisted"]!.GetValue<bool>()),
                Billing: new BillingInstance(p.Key, p.Value["sellerId"]!.GetValue<string>(), p.Value["buyerId"]!.GetValue<string>(), granularity)),
            StringComparer.Ordinal);

        var acceptedSns = new HashSet<(string, string)>();
        var acceptedRecords = new HashSet<UsageRecordIdentity>();
        var unsealed = new List<UsageRecord>();
        var results = new JsonArray();

        foreach (var step in scenario["steps"]!.AsArray())
        {
            if (step!["push"] is { } pushAt)
            {
                var seller = step["seller"]!.GetValue<string>();
                var parsed = UsagePushRequest.Parse(step["body"]!.ToJsonString(), options);
                Assert.Null(parsed.Error);
                var facts = new UsageFactsSnapshot(instances.ToDictionary(i => i.Key, i => i.Value.Facts), acceptedSns, acceptedRecords);
                var result = UsageRecordValidator.Validate(parsed.Request!, seller, facts, Time(pushAt), options);
                foreach (var record in result.Accepted)
                {
                    acceptedSns.Add((seller, record.MeteringSn));
                    acceptedRecords.Add(record.Identity);
                    unsealed.Add(record);
                }

                results.Add(new JsonObject
                {
                    ["push"] = pushAt.GetValue<string>(),
                    ["response"] = JsonSerializer.SerializeToNode(UsagePushResponse.From(result)),
                });
            }
            else
            {
                var runAt = step["run"]!;
                var usage = instances.Values.Select(i => new InstanceUsage(
                    i.Billing, unsealed.Where(r => r.InstanceId == i.Billing.InstanceId).ToList()));
                var run = BillRun.Run(granularity, sealedThrough, Time(runAt), usage, options);
                sealedThrough = run.SealedThrough;
                var sealedIds = run.Bills.SelectMany(b => b.Records).Select(r => r.Record.Identity).ToHashSet();
                unsealed.RemoveAll(r => sealedIds.Contains(r.Identity));

                results.Add(new JsonObject
                {
                    ["run"] = runAt.GetValue<string>(),
                    ["periods"] = new JsonArray(run.Periods.Select(p => (JsonNode)JsonValue.Create(p.Label)!).ToArray()),
                    ["sealedThrough"] = run.SealedThrough is { } t ? Text(t) : null,
                    ["bills"] = new JsonArray(run.Bills.Select(BillNode).ToArray()),
                });
            }
        }

        return results;
    }

    private static JsonNode BillNode(SealedBill sealedBill)
    {
        var bill = sealedBill.Bill;
        return new JsonObject
        {
            ["billId"] = bill.BillId,
            ["instanceId"] = bill.InstanceId,
            ["sellerId"] = bill.SellerId,
            ["buyerId"] = bill.BuyerId,
            ["granularity"] = UsageKeys.GranularityName(bill.Granularity),
            ["periodStart"] = Text(bill.PeriodStart),
            ["periodEnd"] = Text(bill.PeriodEnd),
            ["periodLabel"] = bill.PeriodLabel,
            ["usageTotal"] = bill.UsageTotal,
            ["recordCount"] = bill.RecordCount,
            ["lateRecordCount"] = bill.LateRecordCount,
            ["sha256"] = bill.Sha256,
            ["sealedAt"] = Text(bill.SealedAt),
            ["records"] = new JsonArray(sealedBill.Records.Select(r => (JsonNode)new JsonObject
            {
                ["metering_sn"] = r.Record.MeteringSn,
                ["begin_time"] = UsageTime.ToText(r.Record.BeginUtc),
                ["end_time"] = UsageTime.ToText(r.Record.EndUtc),
                ["usage_value"] = r.Record.Value,
                ["late"] = r.Late,
            }).ToArray()),
        };
    }

    private static DateTimeOffset Time(JsonNode node) =>
        DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string Text(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

using System.Text.Json;
using Marketplace.Core.Metering;

namespace Marketplace.Core.Tests.Metering;

/// <summary>Shared data: one signing seller, a set of instances in every state, and helpers to build push bodies.</summary>
internal static partial class MeteringFixture
{
    public const string Seller = "seller-1";
    public const string OtherSeller = "seller-2";

    public static readonly DateTimeOffset FrozenAt = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);

    public static readonly IReadOnlyDictionary<string, InstanceFacts> Instances = new Dictionary<string, InstanceFacts>
    {
        ["inst-1"] = new(Seller, IsOnDemand: true, InstanceUsageStatus.Active, ProductDelisted: false),
        ["inst-2"] = new(Seller, IsOnDemand: true, InstanceUsageStatus.Active, ProductDelisted: false),
        ["inst-other"] = new(OtherSeller, IsOnDemand: true, InstanceUsageStatus.Active, ProductDelisted: false),
        ["inst-delisted"] = new(Seller, IsOnDemand: true, InstanceUsageStatus.Active, ProductDelisted: true),
        ["inst-period"] = new(Seller, IsOnDemand: false, InstanceUsageStatus.Active, ProductDelisted: false),
        ["inst-period-failed"] = new(Seller, IsOnDemand: false, InstanceUsageStatus.Failed, ProductDelisted: false),
        ["inst-creating"] = new(Seller, IsOnDemand: true, InstanceUsageStatus.Creating, ProductDelisted: false),
        ["inst-failed"] = new(Seller, IsOnDemand: true, InstanceUsageStatus.Failed, ProductDelisted: false),
        ["inst-frozen"] = new(Seller, IsOnDemand: true, InstanceUsageStatus.Frozen, ProductDelisted: false, FrozenAt),
        ["inst-frozen-unknown"] = new(Seller, IsOnDemand: true, InstanceUsageStatus.Frozen, ProductDelisted: false),
        ["inst-released"] = new(Seller, IsOnDemand: true, InstanceUsageStatus.Released, ProductDelisted: false, FrozenAt),
    };

    public static UsageFactsSnapshot Facts(
        IEnumerable<(string, string)>? acceptedSns = null, IEnumerable<UsageRecordIdentity>? acceptedRecords = null) =>
        new(Instances, acceptedSns, acceptedRecords);

    /// <summary>A valid record as a JSON object: inst-1, 13:00–14:00 Shanghai (05:00–06:00Z), value "99" unless given.</summary>
    public static Dictionary<string, object?> Record(
        string sn = "sn-1",
        string? instance = "inst-1",
        string? begin = "20261122T050000Z",
        string? end = "20261122T060000Z",
        object? value = null,
        string? recordTime = "20261122T060000Z")
    {
        var record = new Dictionary<string, object?>
        {
            ["instance_id"] = instance,
            ["begin_time"] = begin,
            ["end_time"] = end,
            ["record_time"] = recordTime,
            ["usage_value"] = value ?? "99",
            ["metering_sn"] = sn,
        };
        return record;
    }

    public static string Body(params object[] records) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["usage_records"] = records });

    public static UsagePushRequest Request(params object[] records)
    {
        var parsed = UsagePushRequest.Parse(Body(records), Options());
        Assert.Null(parsed.Error);
        return parsed.Request!;
    }

    public static UsageValidationResult Validate(
        UsagePushRequest request, IUsageFacts? facts = null, DateTimeOffset? now = null, MeteringOptions? options = null) =>
        UsageRecordValidator.Validate(request, Seller, facts ?? Facts(), now ?? Now, options ?? Options());

    /// <summary>Validates a push of one record and returns its error code, or null when it was accepted.</summary>
    public static string? CodeOf(object record, IUsageFacts? facts = null, DateTimeOffset? now = null)
    {
        var result = Validate(Request(record), facts, now);
        return result.Abnormal.Count == 0 ? null : Assert.Single(result.Abnormal).ErrorCode;
    }

    public static AbnormalUsageRecord AbnormalOf(object record, IUsageFacts? facts = null, DateTimeOffset? now = null) =>
        Assert.Single(Validate(Request(record), facts, now).Abnormal);

    public static UsageRecord Usage(
        string sn, DateTimeOffset begin, TimeSpan? length = null, decimal value = 1m, string instance = "inst-1", string? relate = null) =>
        new(instance, begin, begin + (length ?? TimeSpan.FromMinutes(30)), begin + (length ?? TimeSpan.FromMinutes(30)), value, sn, relate);
}

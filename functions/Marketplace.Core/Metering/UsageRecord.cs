using System.Text.Json.Serialization;

namespace Marketplace.Core.Metering;

/// <summary>What makes two records the same usage (code 010): the instance and the exact metering interval.</summary>
public readonly record struct UsageRecordIdentity(string InstanceId, DateTimeOffset BeginUtc, DateTimeOffset EndUtc)
{
    public override string ToString() =>
        $"{InstanceId} {UsageTime.ToText(BeginUtc)}..{UsageTime.ToText(EndUtc)}";
}

/// <summary>An accepted usage record, normalized: times in UTC, the value as a decimal with at most 4 decimal places.</summary>
public sealed record UsageRecord(
    string InstanceId,
    DateTimeOffset BeginUtc,
    DateTimeOffset EndUtc,
    DateTimeOffset RecordTimeUtc,
    decimal Value,
    string MeteringSn,
    string? RelatePkgInstance = null)
{
    public UsageRecordIdentity Identity => new(InstanceId, BeginUtc, EndUtc);
}

/// <summary>
/// A record the platform did not accept. <see cref="MeteringSn"/> is the record's <c>metering_sn</c> as sent
/// (null when it was missing); <see cref="Index"/> is its zero-based position in <c>usage_records</c>.
/// </summary>
public sealed record AbnormalUsageRecord(
    [property: JsonPropertyName("metering_sn")] string? MeteringSn,
    [property: JsonPropertyName("error_code")] string ErrorCode,
    [property: JsonPropertyName("error_msg")] string ErrorMsg,
    [property: JsonPropertyName("record_index")] int Index);

/// <summary>The outcome of validating one push: records accepted (in push order) and records rejected (in push order).</summary>
public sealed record UsageValidationResult(
    IReadOnlyList<UsageRecord> Accepted,
    IReadOnlyList<AbnormalUsageRecord> Abnormal);

/// <summary>The 200 body of the usage push: how many records were accepted and why the others were not.</summary>
public sealed record UsagePushResponse(
    [property: JsonPropertyName("accepted_count")] int AcceptedCount,
    [property: JsonPropertyName("abnormal_usage_data")] IReadOnlyList<AbnormalUsageRecord> AbnormalUsageData)
{
    public static UsagePushResponse From(UsageValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new UsagePushResponse(result.Accepted.Count, result.Abnormal);
    }
}

/// <summary>The record-level error codes of the usage push (KooGallery's <c>abnormal_usage_data[].error_code</c>; 008 does not exist).</summary>
public static class UsageErrorCodes
{
    public const string InstanceNotFound = "001";
    public const string TimeFormat = "002";
    public const string UsageValue = "003";
    public const string MissingMeteringSn = "004";
    public const string DuplicateMeteringSn = "005";
    public const string ProductDelisted = "006";
    public const string RecordExpired = "007";
    public const string NotYourInstance = "009";
    public const string DuplicateRecord = "010";
    public const string InvalidTimeRange = "011";
    public const string NotOnDemand = "012";
    public const string AbnormalInstanceStatus = "013";

    /// <summary>The order in which the rules are checked; a record reports the first rule it breaks.</summary>
    public static IReadOnlyList<string> CheckOrder { get; } =
    [
        InstanceNotFound, TimeFormat, UsageValue, MissingMeteringSn, DuplicateMeteringSn, ProductDelisted,
        RecordExpired, NotYourInstance, DuplicateRecord, InvalidTimeRange, NotOnDemand, AbnormalInstanceStatus,
    ];

    /// <summary>True for the codes that mean "the platform already has this record": a retry may treat them as success.</summary>
    public static bool IsDuplicate(string code) => code is DuplicateMeteringSn or DuplicateRecord;
}

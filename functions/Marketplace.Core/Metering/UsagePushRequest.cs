using System.Text;
using System.Text.Json;
using Marketplace.Core.Common;

namespace Marketplace.Core.Metering;

/// <summary>
/// One element of <c>usage_records</c> as sent, before validation. Each field holds the text the seller sent: a JSON string's
/// content, or a JSON number's literal text (so <c>"usage_value": 1.5</c> and <c>"usage_value": "1.5"</c> are the same).
/// A field that was absent or <c>null</c> is null. A field sent as an object, array, boolean or an unreadable string is
/// listed in <see cref="WrongTypeFields"/> and null.
/// </summary>
public sealed class RawUsageRecord
{
    public int Index { get; init; }
    public string? InstanceId { get; init; }
    public string? RecordTime { get; init; }
    public string? BeginTime { get; init; }
    public string? EndTime { get; init; }
    public string? UsageValue { get; init; }
    public string? MeteringSn { get; init; }
    public string? RelatePkgInstance { get; init; }
    public IReadOnlySet<string> WrongTypeFields { get; init; } = new HashSet<string>();

    /// <summary>The record's identity when its instance and both interval times are readable (for prefetching 010 look-ups).</summary>
    public UsageRecordIdentity? TryGetIdentity() =>
        !string.IsNullOrEmpty(InstanceId) && UsageTime.TryParse(BeginTime, out var begin) && UsageTime.TryParse(EndTime, out var end)
            ? new UsageRecordIdentity(InstanceId, begin, end)
            : null;
}

/// <summary>The outcome of <see cref="UsagePushRequest.Parse(string, MeteringOptions)"/>: a request, or a whole-request error.</summary>
public sealed record UsagePushParseResult(UsagePushRequest? Request, DomainError? Error)
{
    public bool IsError => Error is not null;
}

/// <summary>
/// The body of <c>POST /api/mkp-openapi-public/global/v1/isv/usage-data</c>: <c>{"usage_records":[...]}</c>.
/// Whole-request errors (nothing is accepted):
/// malformed JSON, a body that is not an object, <c>usage_records</c> missing, not an array, empty, or holding a
/// non-object → 400 <c>validation.failed</c>; more than <see cref="MeteringOptions.MaxRecordsPerPush"/> records →
/// 413 <c>usage.too-many-records</c>. Everything else is judged per record by <see cref="UsageRecordValidator"/>.
/// Unknown fields (e.g. the old API's <c>product_id</c>) are ignored; a field given twice keeps its last value.
/// </summary>
public sealed class UsagePushRequest
{
    public const string ValidationFailed = "validation.failed";
    public const string TooManyRecords = "usage.too-many-records";

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    public UsagePushRequest(IReadOnlyList<RawUsageRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        Records = records;
    }

    public IReadOnlyList<RawUsageRecord> Records { get; }

    /// <summary>The distinct non-empty instance ids in push order (what the use case looks up, and whose sellers may have signed).</summary>
    public IReadOnlyList<string> InstanceIds =>
        Records.Select(r => r.InstanceId).OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The distinct non-empty metering_sns in push order (for prefetching 005 look-ups).</summary>
    public IReadOnlyList<string> MeteringSns =>
        Records.Select(r => r.MeteringSn).OfType<string>().Where(sn => sn.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The sellers whose key may have signed this push: the distinct owners of the known instances, in push order.
    /// The push carries no seller id; the use case tries these sellers' keys. None → the push answers 401.
    /// </summary>
    public IReadOnlyList<string> SellerCandidates(Func<string, InstanceFacts?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        return InstanceIds.Select(lookup).OfType<InstanceFacts>().Select(f => f.SellerId).Distinct(StringComparer.Ordinal).ToList();
    }

    public static UsagePushParseResult Parse(string body, MeteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Parse(Encoding.UTF8.GetBytes(body), options);
    }

    public static UsagePushParseResult Parse(ReadOnlyMemory<byte> utf8Body, MeteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bytes = utf8Body;
        if (bytes.Span.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return Fail($"The request body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail("The request body must be a JSON object with a usage_records array.");
            }

            if (!TryGetLast(root, "usage_records", out var array) || array.ValueKind == JsonValueKind.Null)
            {
                return Fail("The request body has no usage_records array.");
            }

            if (array.ValueKind != JsonValueKind.Array)
            {
                return Fail("usage_records must be a JSON array of usage records.");
            }

            var count = array.GetArrayLength();
            if (count == 0)
            {
                return Fail("usage_records is empty; send at least one usage record.");
            }

            if (count > options.MaxRecordsPerPush)
            {
                return new UsagePushParseResult(null, new DomainError(ErrorKind.TooLarge, TooManyRecords,
                    $"usage_records holds {count} records; at most {options.MaxRecordsPerPush} are allowed per request. Split the records over several requests."));
            }

            var records = new List<RawUsageRecord>(count);
            var index = 0;
            foreach (var element in array.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    return Fail($"usage_records[{index}] must be a JSON object.");
                }

                records.Add(ReadRecord(element, index));
                index++;
            }

            return new UsagePushParseResult(new UsagePushRequest(records), null);
        }
    }

    private static UsagePushParseResult Fail(string detail) =>
        new(null, DomainError.BadRequest(ValidationFailed, detail));

    private static RawUsageRecord ReadRecord(JsonElement element, int index)
    {
        var wrong = new HashSet<string>(StringComparer.Ordinal);
        string? Field(string name)
        {
            if (!TryGetLast(element, name, out var value))
            {
                return null;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.Null:
                    return null;
                case JsonValueKind.Number:
                    return value.GetRawText();
                case JsonValueKind.String:
                    try
                    {
                        return value.GetString();
                    }
                    catch (InvalidOperationException)
                    {
                        // e.g. an escaped lone surrogate: not text we can store or compare.
                        wrong.Add(name);
                        return null;
                    }

                default:
                    wrong.Add(name);
                    return null;
            }
        }

        return new RawUsageRecord
        {
            Index = index,
            InstanceId = Field("instance_id"),
            RecordTime = Field("record_time"),
            BeginTime = Field("begin_time"),
            EndTime = Field("end_time"),
            UsageValue = Field("usage_value"),
            MeteringSn = Field("metering_sn"),
            RelatePkgInstance = Field("relate_pkg_instance"),
            WrongTypeFields = wrong,
        };
    }

    private static bool TryGetLast(JsonElement obj, string name, out JsonElement value)
    {
        var found = false;
        value = default;
        foreach (var property in obj.EnumerateObject())
        {
            if (property.NameEquals(name))
            {
                value = property.Value;
                found = true;
            }
        }

        return found;
    }
}

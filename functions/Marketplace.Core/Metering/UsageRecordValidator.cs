using System.Globalization;

namespace Marketplace.Core.Metering;

/// <summary>
/// Judges each record of a usage push on its own: valid records are accepted even when others in the same push are not.
/// The rules are checked in this order and a record reports the first one it breaks:
/// <list type="number">
/// <item>001 instance_id missing, not text, longer than 64, or no such instance; relate_pkg_instance not text or longer than 64.</item>
/// <item>002 begin_time, end_time, record_time (in that order) missing or not <c>yyyyMMdd'T'HHmmss'Z'</c> with a real date.</item>
/// <item>003 usage_value missing, not a number, longer than 20 characters, not greater than 0, 10^20 or more, or more than 4 decimal places.</item>
/// <item>004 metering_sn missing, empty, not text, or longer than 64 characters.</item>
/// <item>005 metering_sn already used by an accepted record of this seller (earlier in this push or before).</item>
/// <item>006 the instance's product is delisted.</item>
/// <item>007 begin_time more than <see cref="MeteringOptions.MaxRecordAge"/> before now.</item>
/// <item>009 the instance belongs to another seller.</item>
/// <item>010 a record with the same instance_id, begin_time and end_time was accepted (earlier in this push or before).</item>
/// <item>011 end_time not after begin_time, or begin_time, end_time or record_time later than now + <see cref="MeteringOptions.FutureTolerance"/>.</item>
/// <item>012 the instance is not billed on demand.</item>
/// <item>013 the instance is creating or failed, or frozen/released and the usage ended after it stopped being active.</item>
/// </list>
/// The first accepted record wins: a later record repeating its metering_sn (005) or its identity (010) is reported, not accepted.
/// </summary>
public static class UsageRecordValidator
{
    public const int MaxIdLength = 64;
    public const int MaxUsageValueLength = 20;

    /// <summary>
    /// A record's value stays below 10^20 (what 20 digits can write), so a bill's sum of values stays far from decimal's
    /// limit (about 7.9 × 10^28): it would take some 800 million records in one bill.
    /// </summary>
    public const decimal MaxUsageValueExclusive = 100_000_000_000_000_000_000m;
    public const int MaxDecimalPlaces = 4;

    public static UsageValidationResult Validate(
        UsagePushRequest request, string sellerId, IUsageFacts facts, DateTimeOffset now, MeteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(sellerId);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(options);
        now = now.ToUniversalTime();

        var accepted = new List<UsageRecord>();
        var abnormal = new List<AbnormalUsageRecord>();
        var snsInPush = new HashSet<string>(StringComparer.Ordinal);
        var identitiesInPush = new HashSet<UsageRecordIdentity>();

        foreach (var raw in request.Records)
        {
            var (record, code, message) = Check(raw, sellerId, facts, now, options, snsInPush, identitiesInPush);
            if (record is not null)
            {
                accepted.Add(record);
                snsInPush.Add(record.MeteringSn);
                identitiesInPush.Add(record.Identity);
            }
            else
            {
                abnormal.Add(new AbnormalUsageRecord(raw.MeteringSn, code!, message!, raw.Index));
            }
        }

        return new UsageValidationResult(accepted, abnormal);
    }

    private static (UsageRecord? Record, string? Code, string? Message) Check(
        RawUsageRecord raw, string sellerId, IUsageFacts facts, DateTimeOffset now, MeteringOptions options,
        HashSet<string> snsInPush, HashSet<UsageRecordIdentity> identitiesInPush)
    {
        static (UsageRecord?, string?, string?) Reject(string code, string message) => (null, code, message);

        // 001 instance
        if (raw.WrongTypeFields.Contains("instance_id"))
        {
            return Reject(UsageErrorCodes.InstanceNotFound, "instance_id must be a string.");
        }

        if (string.IsNullOrEmpty(raw.InstanceId))
        {
            return Reject(UsageErrorCodes.InstanceNotFound, "instance_id is missing; every record needs the id of the on-demand instance it meters.");
        }

        if (raw.InstanceId.Length > MaxIdLength)
        {
            return Reject(UsageErrorCodes.InstanceNotFound, $"instance_id is {raw.InstanceId.Length} characters long; at most {MaxIdLength} are allowed, so no such instance exists.");
        }

        var instance = facts.FindInstance(raw.InstanceId);
        if (instance is null)
        {
            return Reject(UsageErrorCodes.InstanceNotFound, $"The instance '{raw.InstanceId}' does not exist.");
        }

        if (raw.WrongTypeFields.Contains("relate_pkg_instance"))
        {
            return Reject(UsageErrorCodes.InstanceNotFound, "relate_pkg_instance must be a string naming the package instance.");
        }

        if (raw.RelatePkgInstance is { Length: > MaxIdLength })
        {
            return Reject(UsageErrorCodes.InstanceNotFound, $"relate_pkg_instance is {raw.RelatePkgInstance.Length} characters long; at most {MaxIdLength} are allowed, so no such package instance exists.");
        }

        // 002 time format
        if (TimeError("begin_time", raw.BeginTime, raw, out var begin) is { } beginError)
        {
            return Reject(UsageErrorCodes.TimeFormat, beginError);
        }

        if (TimeError("end_time", raw.EndTime, raw, out var end) is { } endError)
        {
            return Reject(UsageErrorCodes.TimeFormat, endError);
        }

        if (TimeError("record_time", raw.RecordTime, raw, out var recordTime) is { } recordTimeError)
        {
            return Reject(UsageErrorCodes.TimeFormat, recordTimeError);
        }

        // 003 usage value
        if (CheckUsageValue(raw) is { } valueError)
        {
            return Reject(UsageErrorCodes.UsageValue, valueError);
        }

        var value = decimal.Parse(raw.UsageValue!, UsageValueStyles, CultureInfo.InvariantCulture);

        // 004 metering_sn
        if (raw.WrongTypeFields.Contains("metering_sn"))
        {
            return Reject(UsageErrorCodes.MissingMeteringSn, "metering_sn must be a string.");
        }

        if (string.IsNullOrEmpty(raw.MeteringSn))
        {
            return Reject(UsageErrorCodes.MissingMeteringSn, "metering_sn is missing; every record needs a unique metering_sn (a random code is recommended).");
        }

        if (raw.MeteringSn.Length > MaxIdLength)
        {
            return Reject(UsageErrorCodes.MissingMeteringSn, $"metering_sn is {raw.MeteringSn.Length} characters long; at most {MaxIdLength} are allowed.");
        }

        // It comes back in responses and bills: no control or invisible formatting characters (NUL, bidi overrides).
        if (raw.MeteringSn.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
        {
            return Reject(UsageErrorCodes.MissingMeteringSn, "metering_sn must not hold control or formatting characters.");
        }

        // 005 metering_sn repeated
        if (snsInPush.Contains(raw.MeteringSn))
        {
            return Reject(UsageErrorCodes.DuplicateMeteringSn, $"metering_sn '{raw.MeteringSn}' was already used by an earlier record of this request; only the first was accepted.");
        }

        if (facts.IsMeteringSnAccepted(sellerId, raw.MeteringSn))
        {
            return Reject(UsageErrorCodes.DuplicateMeteringSn, $"metering_sn '{raw.MeteringSn}' was already accepted in an earlier request; the record is not counted again.");
        }

        // 006 product delisted
        if (instance.ProductDelisted)
        {
            return Reject(UsageErrorCodes.ProductDelisted, $"The product of instance '{raw.InstanceId}' is delisted; its usage is no longer accepted.");
        }

        // 007 too old
        var oldest = now - options.MaxRecordAge;
        if (begin < oldest)
        {
            return Reject(UsageErrorCodes.RecordExpired, $"begin_time {raw.BeginTime} is more than {Describe(options.MaxRecordAge)} before now; records that old are no longer accepted.");
        }

        // 009 another seller's instance
        if (!string.Equals(instance.SellerId, sellerId, StringComparison.Ordinal))
        {
            return Reject(UsageErrorCodes.NotYourInstance, $"The instance '{raw.InstanceId}' does not belong to the seller who signed this request.");
        }

        // 010 duplicate record
        var identity = new UsageRecordIdentity(raw.InstanceId, begin, end);
        if (identitiesInPush.Contains(identity))
        {
            return Reject(UsageErrorCodes.DuplicateRecord, $"An earlier record of this request already covers instance '{raw.InstanceId}' from {raw.BeginTime} to {raw.EndTime}; only the first was accepted.");
        }

        if (facts.IsRecordAccepted(identity))
        {
            return Reject(UsageErrorCodes.DuplicateRecord, $"A record for instance '{raw.InstanceId}' from {raw.BeginTime} to {raw.EndTime} was already accepted; the duplicate is not counted.");
        }

        // 011 time range
        if (end <= begin)
        {
            return Reject(UsageErrorCodes.InvalidTimeRange, $"end_time {raw.EndTime} must be later than begin_time {raw.BeginTime}.");
        }

        var latest = now + options.FutureTolerance;
        foreach (var (name, text, time) in new[] { ("begin_time", raw.BeginTime, begin), ("end_time", raw.EndTime, end), ("record_time", raw.RecordTime, recordTime) })
        {
            if (time > latest)
            {
                return Reject(UsageErrorCodes.InvalidTimeRange, $"{name} {text} is in the future; report usage only after it has happened (times are UTC, not Beijing time).");
            }
        }

        // 012 charging mode
        if (!instance.IsOnDemand)
        {
            return Reject(UsageErrorCodes.NotOnDemand, $"The instance '{raw.InstanceId}' is not billed on demand; usage records are accepted only for on-demand (pay-per-use) instances.");
        }

        // 013 status
        if (StatusError(instance, raw.InstanceId, end) is { } statusError)
        {
            return Reject(UsageErrorCodes.AbnormalInstanceStatus, statusError);
        }

        var relate = string.IsNullOrEmpty(raw.RelatePkgInstance) ? null : raw.RelatePkgInstance;
        return (new UsageRecord(raw.InstanceId, begin, end, recordTime, ToFourPlaces(value), raw.MeteringSn, relate), null, null);
    }

    /// <summary>The amount rounded to, and written with, exactly 4 decimal places (99 → 99.0000).</summary>
    public static decimal ToFourPlaces(decimal value) => decimal.Round(value, MaxDecimalPlaces) + 0.0000m;

    private static string? TimeError(string name, string? text, RawUsageRecord raw, out DateTimeOffset time)
    {
        time = default;
        if (raw.WrongTypeFields.Contains(name))
        {
            return $"{name} must be a string in the format yyyyMMddTHHmmssZ (UTC), e.g. 20220809T080000Z.";
        }

        if (text is null)
        {
            return $"{name} is missing; send it in the format yyyyMMddTHHmmssZ (UTC), e.g. 20220809T080000Z.";
        }

        return UsageTime.TryParse(text, out time)
            ? null
            : $"{name} '{Shorten(text)}' is not a valid UTC time in the format yyyyMMddTHHmmssZ, e.g. 20220809T080000Z.";
    }

    private const NumberStyles UsageValueStyles =
        NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    private static string? CheckUsageValue(RawUsageRecord raw)
    {
        if (raw.WrongTypeFields.Contains("usage_value"))
        {
            return "usage_value must be a number or a string holding a number.";
        }

        var text = raw.UsageValue;
        if (string.IsNullOrEmpty(text))
        {
            return "usage_value is missing; send the amount used, greater than 0.";
        }

        if (text.Length > MaxUsageValueLength)
        {
            return $"usage_value is {text.Length} characters long; at most {MaxUsageValueLength} are allowed.";
        }

        if (!decimal.TryParse(text, UsageValueStyles, CultureInfo.InvariantCulture, out var value))
        {
            return $"usage_value '{text}' is not a decimal number.";
        }

        if (value <= 0)
        {
            return $"usage_value {text} must be greater than 0.";
        }

        // Exponents let 20 characters reach decimal's limit ("7.9e28"): two such records would overflow the bill's total.
        if (value >= MaxUsageValueExclusive)
        {
            return $"usage_value {text} is too large; at most 20 digits before the decimal point.";
        }

        if (decimal.Round(value, MaxDecimalPlaces) != value)
        {
            return $"usage_value {text} has more than {MaxDecimalPlaces} decimal places; round it to at most {MaxDecimalPlaces}.";
        }

        return null;
    }

    private static string? StatusError(InstanceFacts instance, string instanceId, DateTimeOffset end) => instance.Status switch
    {
        InstanceUsageStatus.Active => null,
        InstanceUsageStatus.Creating => $"The instance '{instanceId}' is still being created; usage is accepted once it is active.",
        InstanceUsageStatus.Failed => $"The instance '{instanceId}' failed to be created; it cannot have usage.",
        InstanceUsageStatus.Frozen or InstanceUsageStatus.Released when instance.InactiveSince is { } since && end <= since => null,
        InstanceUsageStatus.Frozen => $"The instance '{instanceId}' is frozen{Since(instance)}; only usage that ended before it was frozen is accepted.",
        InstanceUsageStatus.Released => $"The instance '{instanceId}' is released{Since(instance)}; only usage that ended before it was released is accepted.",
        _ => $"The instance '{instanceId}' is in an abnormal state.",
    };

    private static string Since(InstanceFacts instance) =>
        instance.InactiveSince is { } since ? $" since {UsageTime.ToText(since)}" : string.Empty;

    private static string Describe(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerDay == 0 && span.Ticks > 0
            ? (span.Days == 1 ? "1 day" : $"{span.Days.ToString(CultureInfo.InvariantCulture)} days")
            : span.ToString("c", CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.Metering;

/// <summary>Where one row lives: table, partition key, row key.</summary>
public readonly record struct UsageRowAddress(string Table, string PartitionKey, string RowKey);

/// <summary>
/// The storage keys of the usage ledger. The keys are a rule, not a storage detail: deduplication is enforced by inserting
/// (never upserting) rows whose keys are derived from the record, so a second insert of the same record conflicts.
/// <list type="bullet">
/// <item>Records: one table per billing day (the local calendar day of <c>begin_time</c> in the billing time zone),
/// <c>usage{yyyyMMdd}</c>; partition <c>{instance_id}|{yyyyMMdd}</c>; row <c>r|{begin:yyyyMMddHHmmss}|{end:yyyyMMddHHmmss}</c> (UTC).
/// The identity of code 010 (instance_id, begin_time, end_time) maps to exactly one row, whatever the product's granularity,
/// and the rows of a partition sort by begin_time, so any hourly or daily period of an instance is one row-key range
/// (<see cref="RecordRowKeyRange"/>).</item>
/// <item>metering_sn claims (code 005): table <see cref="SnClaimTable"/>, partition <c>{sellerId}|sn|{2 hex of SHA-256(sn)}</c>
/// (256 partitions per seller), row <c>{metering_sn}</c>. A claim row stores the identity of the record it claims for; write it
/// before the record row, and treat a claim whose record row is missing but whose identity is the pushed one as not claimed
/// (the previous attempt crashed between the two writes).</item>
/// <item>Bills: table <see cref="BillTable"/>, partition <c>{instance_id}</c>, row <c>{periodStart:yyyyMMddHHmm}|{hour|day}</c> (UTC):
/// inserting a bill that exists conflicts, so a sealed bill is never overwritten.</item>
/// </list>
/// Values are escaped with <see cref="EscapeKey"/>: the characters Azure Tables forbid in keys (<c>/ \ # ?</c> and control
/// characters), the separator <c>|</c> and the escape character <c>%</c> itself become <c>%XX</c> (upper-case hex of the
/// UTF-16 code unit); a lone surrogate becomes <c>%uXXXX</c>. The escaping is deterministic and reversible.
/// The billing time zone decides the table of a record: do not change <c>Billing:TimeZone</c> once records are stored.
/// </summary>
public static class UsageKeys
{
    public const string RecordTablePrefix = "usage";
    public const string SnClaimTable = "usagesnclaims";
    public const string BillTable = "usagebills";
    public const int SnClaimShardHexDigits = 2;

    /// <summary>The local calendar day of <paramref name="beginUtc"/> in the billing time zone.</summary>
    public static DateOnly BillingDayOf(DateTimeOffset beginUtc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(beginUtc, zone).DateTime);
    }

    /// <summary>The record table of one billing day, e.g. <c>usage20261122</c>.</summary>
    public static string RecordTableName(DateOnly billingDay) =>
        RecordTablePrefix + billingDay.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The record table holding every record of <paramref name="period"/> (a period never spans two local days).</summary>
    public static string RecordTableName(BillingPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return RecordTableName(period.BillingDay);
    }

    public static string RecordPartitionKey(string instanceId, DateOnly billingDay)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        return $"{EscapeKey(instanceId)}|{billingDay.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";
    }

    public static string RecordRowKey(DateTimeOffset beginUtc, DateTimeOffset endUtc) =>
        $"r|{Stamp(beginUtc)}|{Stamp(endUtc)}";

    /// <summary>The row of a record: the same for every record with the same instance_id, begin_time and end_time.</summary>
    public static UsageRowAddress RecordAddress(UsageRecordIdentity identity, TimeZoneInfo zone)
    {
        var day = BillingDayOf(identity.BeginUtc, zone);
        return new UsageRowAddress(
            RecordTableName(day),
            RecordPartitionKey(identity.InstanceId, day),
            RecordRowKey(identity.BeginUtc, identity.EndUtc));
    }

    /// <summary>
    /// The row keys of the records whose begin_time lies in <paramref name="period"/>:
    /// <c>FromInclusive &lt;= RowKey &lt; ToExclusive</c>, within <see cref="RecordTableName(BillingPeriod)"/>.
    /// </summary>
    public static (string FromInclusive, string ToExclusive) RecordRowKeyRange(BillingPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return ($"r|{Stamp(period.StartUtc)}", $"r|{Stamp(period.EndUtc)}");
    }

    public static string SnClaimPartitionKey(string sellerId, string meteringSn)
    {
        ArgumentNullException.ThrowIfNull(sellerId);
        ArgumentNullException.ThrowIfNull(meteringSn);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(meteringSn));
        var shard = Convert.ToHexStringLower(hash)[..SnClaimShardHexDigits];
        return $"{EscapeKey(sellerId)}|sn|{shard}";
    }

    public static string SnClaimRowKey(string meteringSn)
    {
        ArgumentNullException.ThrowIfNull(meteringSn);
        return EscapeKey(meteringSn);
    }

    public static UsageRowAddress SnClaimAddress(string sellerId, string meteringSn) =>
        new(SnClaimTable, SnClaimPartitionKey(sellerId, meteringSn), SnClaimRowKey(meteringSn));

    public static string BillPartitionKey(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        return EscapeKey(instanceId);
    }

    public static string BillRowKey(BillingGranularity granularity, DateTimeOffset periodStartUtc) =>
        $"{periodStartUtc.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}|{GranularityName(granularity)}";

    public static UsageRowAddress BillAddress(Bill bill)
    {
        ArgumentNullException.ThrowIfNull(bill);
        return new UsageRowAddress(BillTable, BillPartitionKey(bill.InstanceId), BillRowKey(bill.Granularity, bill.PeriodStart));
    }

    /// <summary><c>hour</c> or <c>day</c>, as in the HTTP API.</summary>
    public static string GranularityName(BillingGranularity granularity) => granularity switch
    {
        BillingGranularity.Hour => "hour",
        BillingGranularity.Day => "day",
        _ => throw new ArgumentOutOfRangeException(nameof(granularity), granularity, "Unknown billing granularity."),
    };

    /// <summary>
    /// Escapes a value for use inside a table key: <c>%</c>, <c>/</c>, <c>\</c>, <c>#</c>, <c>?</c>, <c>|</c>,
    /// U+0000–U+001F and U+007F–U+009F become <c>%XX</c>; a lone surrogate becomes <c>%uXXXX</c>; everything else is kept.
    /// </summary>
    public static string EscapeKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        StringBuilder? builder = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            string? escaped = null;
            if (MustEscape(c))
            {
                escaped = "%" + ((int)c).ToString("X2", CultureInfo.InvariantCulture);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder?.Append(c).Append(value[i + 1]);
                i++;
                continue;
            }
            else if (char.IsSurrogate(c))
            {
                escaped = "%u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
            }

            if (escaped is not null)
            {
                builder ??= new StringBuilder(value, 0, i, value.Length + 16);
                builder.Append(escaped);
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? value;
    }

    /// <summary>Reverses <see cref="EscapeKey"/>. Throws <see cref="FormatException"/> on a malformed escape.</summary>
    public static string UnescapeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var builder = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] != '%')
            {
                builder.Append(key[i]);
                continue;
            }

            var isUnicode = i + 1 < key.Length && key[i + 1] == 'u';
            var start = isUnicode ? i + 2 : i + 1;
            var length = isUnicode ? 4 : 2;
            if (start + length > key.Length ||
                !int.TryParse(key.AsSpan(start, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                throw new FormatException($"'{key}' has a malformed escape at position {i}.");
            }

            builder.Append((char)code);
            i = start + length - 1;
        }

        return builder.ToString();
    }

    /// <summary>True when <paramref name="key"/> may be used as an Azure Table PartitionKey or RowKey.</summary>
    public static bool IsValidKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Encoding.Unicode.GetByteCount(key) > 1024)
        {
            return false;
        }

        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="name"/> is a valid Azure table name: 3–63 letters and digits, starting with a letter.</summary>
    public static bool IsValidTableName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length is >= 3 and <= 63
               && char.IsAsciiLetter(name[0])
               && name.All(char.IsAsciiLetterOrDigit)
               && !string.Equals(name, "tables", StringComparison.OrdinalIgnoreCase);
    }

    private static bool MustEscape(char c) =>
        c is '%' or '/' or '\\' or '#' or '?' or '|' || c <= '\u001F' || c is >= '\u007F' and <= '\u009F';

    private static string Stamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.Metering;

/// <summary>Where one row lives: table, partition key, row key.</summary>
public readonly record struct UsageRowAddress(string Table, string PartitionKey, string RowKey);

/// <summary>
/// The storage keys of the usage ledger. The keys are a rule, not a storage detail: deduplication is enforced by inserting
/// (never upserting) rows whose keys are derived from the record, so a second insert of the same record conflicts.
/// Every high-volume table is bounded by design: records and metering_sn claims live in tables per billing day, each split
/// into <see cref="RecordShards"/> (records) and <see cref="SnClaimShards"/> (claims) tables by a hash, so at a million records
/// a day no table holds more than about 31,000 rows (Azurite's insert cost grows with a table's row count), and retention
/// drops a whole day by dropping its tables.
/// <list type="bullet">
/// <item>Records: table <c>usage{yyyyMMdd}r{NN}</c> (the local calendar day of <c>begin_time</c> in the billing time zone,
/// NN = <see cref="ShardOf"/>(instance_id, <see cref="RecordShards"/>)); partition <c>{instance_id}|{yyyyMMdd}</c>;
/// row <c>r|{begin:yyyyMMddHHmmss}|{end:yyyyMMddHHmmss}</c> (UTC). The identity of code 010 (instance_id, begin_time,
/// end_time) maps to exactly one row, whatever the product's granularity, and the rows of a partition sort by begin_time,
/// so any hourly or daily period of an instance is one row-key range of one partition (<see cref="RecordRowKeyRange"/>).</item>
/// <item>metering_sn claims (code 005): table <c>usage{yyyyMMdd}n{NN}</c> (the billing day of the claiming record,
/// NN = <see cref="ShardOf"/>(metering_sn, <see cref="SnClaimShards"/>)), partition <c>{sellerId}|sn</c>, row <c>{metering_sn}</c>.
/// A claim row stores the identity of the record it claims for; it is written before the record row, and a claim whose record
/// row is missing is judged by <see cref="SnClaims.Judge"/>. An sn is therefore unique per seller within a billing day: the
/// platform remembers an sn as long as it keeps the record.</item>
/// <item>Bills: table <see cref="BillTable"/>, partition <c>{first 24 hex of SHA-256(instance_id)}</c> (the last part of the
/// bill id, so a bill id leads to its row), row <c>{periodStart:yyyyMMddHHmm}|{hour|day}</c> (UTC): inserting a bill that
/// exists conflicts, so a sealed bill is never overwritten. The instance's late-record cursor is the row
/// <see cref="BillCursorRowKey"/> of the same partition, written in the same transaction as the bill that moves it.</item>
/// </list>
/// Values are escaped with <see cref="EscapeKey"/>: the characters Azure Tables forbid in keys (<c>/ \ # ?</c> and control
/// characters), the separator <c>|</c> and the escape character <c>%</c> itself become <c>%XX</c> (upper-case hex of the
/// UTF-16 code unit); a lone surrogate becomes <c>%uXXXX</c>. The escaping is deterministic and reversible.
/// The billing time zone decides the table of a record: do not change <c>Billing:TimeZone</c> once records are stored.
/// </summary>
public static class UsageKeys
{
    public const string RecordTablePrefix = "usage";
    public const string BillTable = "usagebills";

    /// <summary>Which (billing day, instance) pairs have records: partition <c>{yyyyMMdd}</c>, row <c>{instance_id}</c>.</summary>
    public const string ActivityTable = "usagedays";

    /// <summary>Records that may have arrived after their period was sealed: partition <c>{hour|day}</c>, row by arrival.</summary>
    public const string LateTable = "usagelate";

    /// <summary>The state of the bill runs: partition <see cref="RunPartition"/>, one row per granularity.</summary>
    public const string RunTable = "usageruns";
    public const string RunPartition = "run";

    /// <summary>The metered-instance index the instance lifecycle writes (partition = instance id, row <see cref="InstanceRowKey"/>).</summary>
    public const string InstanceTable = "instances";
    public const string InstanceRowKey = "metering";

    public const string NonceTablePrefix = "usagenonce";
    public const string BillCursorRowKey = "~cursor";
    public const int RecordShards = 32;
    public const int SnClaimShards = 32;

    /// <summary>The local calendar day of <paramref name="beginUtc"/> in the billing time zone.</summary>
    public static DateOnly BillingDayOf(DateTimeOffset beginUtc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(beginUtc, zone).DateTime);
    }

    /// <summary>A stable shard in [0, <paramref name="shards"/>) of a value: the first two bytes of its SHA-256.</summary>
    public static int ShardOf(string value, int shards)
    {
        ArgumentNullException.ThrowIfNull(value);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return ((hash[0] << 8) | hash[1]) % shards;
    }

    /// <summary>The prefix shared by every per-day table of one billing day, e.g. <c>usage20261122</c>.</summary>
    public static string DayTablePrefix(DateOnly billingDay) =>
        RecordTablePrefix + billingDay.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The billing day of a per-day table name (after the storage prefix), or null when it is not one.</summary>
    public static DateOnly? DayOfTable(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        if (tableName.Length != RecordTablePrefix.Length + 11 || !tableName.StartsWith(RecordTablePrefix, StringComparison.Ordinal)
            || tableName[^3] is not ('r' or 'n'))
        {
            return null;
        }

        return DateOnly.TryParseExact(tableName.AsSpan(RecordTablePrefix.Length, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;
    }

    /// <summary>The record table of one billing day and instance, e.g. <c>usage20261122r07</c>.</summary>
    public static string RecordTableName(DateOnly billingDay, string instanceId) =>
        DayTablePrefix(billingDay) + "r" + ShardOf(instanceId, RecordShards).ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>The record table holding every record of <paramref name="instanceId"/> in <paramref name="period"/> (a period never spans two local days).</summary>
    public static string RecordTableName(BillingPeriod period, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(period);
        return RecordTableName(period.BillingDay, instanceId);
    }

    public static string RecordPartitionKey(string instanceId, DateOnly billingDay)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        return $"{EscapeKey(instanceId)}|{billingDay.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";
    }

    public static string RecordRowKey(DateTimeOffset beginUtc, DateTimeOffset endUtc) =>
        $"r|{Stamp(beginUtc)}|{Stamp(endUtc)}";

    /// <summary>Reads the interval back from a record row key; false when it is not one.</summary>
    public static bool TryParseRecordRowKey(string rowKey, out DateTimeOffset beginUtc, out DateTimeOffset endUtc)
    {
        beginUtc = endUtc = default;
        if (rowKey is not { Length: 31 } || !rowKey.StartsWith("r|", StringComparison.Ordinal) || rowKey[16] != '|')
        {
            return false;
        }

        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (!DateTime.TryParseExact(rowKey.AsSpan(2, 14), "yyyyMMddHHmmss", CultureInfo.InvariantCulture, styles, out var begin)
            || !DateTime.TryParseExact(rowKey.AsSpan(17, 14), "yyyyMMddHHmmss", CultureInfo.InvariantCulture, styles, out var end))
        {
            return false;
        }

        beginUtc = new DateTimeOffset(DateTime.SpecifyKind(begin, DateTimeKind.Utc));
        endUtc = new DateTimeOffset(DateTime.SpecifyKind(end, DateTimeKind.Utc));
        return true;
    }

    /// <summary>The row of a record: the same for every record with the same instance_id, begin_time and end_time.</summary>
    public static UsageRowAddress RecordAddress(UsageRecordIdentity identity, TimeZoneInfo zone)
    {
        var day = BillingDayOf(identity.BeginUtc, zone);
        return new UsageRowAddress(
            RecordTableName(day, identity.InstanceId),
            RecordPartitionKey(identity.InstanceId, day),
            RecordRowKey(identity.BeginUtc, identity.EndUtc));
    }

    /// <summary>
    /// The row keys of the records whose begin_time lies in <paramref name="period"/>:
    /// <c>FromInclusive &lt;= RowKey &lt; ToExclusive</c>, within the partition of the period's billing day.
    /// </summary>
    public static (string FromInclusive, string ToExclusive) RecordRowKeyRange(BillingPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return (RecordRowKeyBound(period.StartUtc), RecordRowKeyBound(period.EndUtc));
    }

    /// <summary>The row-key bound of the records beginning at <paramref name="beginUtc"/>: <c>r|{begin:yyyyMMddHHmmss}</c>.</summary>
    public static string RecordRowKeyBound(DateTimeOffset beginUtc) => $"r|{Stamp(beginUtc)}";

    /// <summary>The claim table of an sn of a record beginning on <paramref name="billingDay"/>, e.g. <c>usage20261122n19</c>.</summary>
    public static string SnClaimTableName(DateOnly billingDay, string meteringSn) =>
        DayTablePrefix(billingDay) + "n" + ShardOf(meteringSn, SnClaimShards).ToString("D2", CultureInfo.InvariantCulture);

    public static string SnClaimPartitionKey(string sellerId)
    {
        ArgumentNullException.ThrowIfNull(sellerId);
        return $"{EscapeKey(sellerId)}|sn";
    }

    public static string SnClaimRowKey(string meteringSn)
    {
        ArgumentNullException.ThrowIfNull(meteringSn);
        return EscapeKey(meteringSn);
    }

    /// <summary>Where the claim of <paramref name="meteringSn"/> by <paramref name="sellerId"/> for a record beginning on <paramref name="billingDay"/> lives.</summary>
    public static UsageRowAddress SnClaimAddress(string sellerId, string meteringSn, DateOnly billingDay) =>
        new(SnClaimTableName(billingDay, meteringSn), SnClaimPartitionKey(sellerId), SnClaimRowKey(meteringSn));

    /// <summary>The partition of an instance's bills: the first 24 hex digits of SHA-256(instance_id), as in the bill id.</summary>
    public static string BillPartitionKey(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(instanceId)))[..24];
    }

    public static string BillRowKey(BillingGranularity granularity, DateTimeOffset periodStartUtc) =>
        $"{periodStartUtc.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}|{GranularityName(granularity)}";

    /// <summary>The row-key bound of the bills of an instance whose period starts at <paramref name="utc"/> or later (before the cursor row).</summary>
    public static string BillRowKeyBound(DateTimeOffset utc) =>
        utc.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static UsageRowAddress BillAddress(Bill bill)
    {
        ArgumentNullException.ThrowIfNull(bill);
        return new UsageRowAddress(BillTable, BillPartitionKey(bill.InstanceId), BillRowKey(bill.Granularity, bill.PeriodStart));
    }

    /// <summary>
    /// The row of a bill id (<see cref="BillSealer.BillId"/>): <c>bill-{hour|day}-{yyyyMMdd'T'HHmm'Z'}-{24 hex}</c>.
    /// False when the text is not a bill id.
    /// </summary>
    public static bool TryParseBillId(string? billId, out UsageRowAddress address, out BillingGranularity granularity, out DateTimeOffset periodStartUtc)
    {
        address = default;
        granularity = default;
        periodStartUtc = default;
        var parts = billId?.Split('-');
        if (parts is not { Length: 4 } || parts[0] != "bill" || parts[3].Length != 24 || !parts[3].All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        switch (parts[1])
        {
            case "hour": granularity = BillingGranularity.Hour; break;
            case "day": granularity = BillingGranularity.Day; break;
            default: return false;
        }

        if (!DateTime.TryParseExact(parts[2], "yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start))
        {
            return false;
        }

        periodStartUtc = new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc));
        address = new UsageRowAddress(BillTable, parts[3], BillRowKey(granularity, periodStartUtc));
        return true;
    }

    /// <summary>The nonce table of the UTC day of a push's <c>ts</c>, e.g. <c>usagenonce20261122</c> (a replay carries the same ts).</summary>
    public static string NonceTableName(DateTimeOffset ts) =>
        NonceTablePrefix + ts.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

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

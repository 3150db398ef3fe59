using System.Globalization;
using Marketplace.Core.Metering;
using Marketplace.Storage.Tables;

namespace Marketplace.Storage.Metering;

/// <summary>
/// The entities of the usage ledger, shared by the ledger and the benchmark's raw-write baseline (so both write exactly the
/// same rows). Property names are short: a million records a day is a million rows. Arrival times are UTC ticks (Int64), so
/// a cutoff compares exactly after a round trip.
/// </summary>
public static class UsageEntities
{
    public const string Sn = "Sn";
    public const string Value = "V";
    public const string RecordTime = "Rt";
    public const string Package = "Pkg";
    public const string ArrivedAt = "At";
    public const string Instance = "I";
    public const string RecordKey = "R";

    /// <summary>Properties read when sealing (with the row key, which holds the interval).</summary>
    public static readonly IReadOnlyList<string> RecordSelect = ["RowKey", Sn, Value, RecordTime, Package, ArrivedAt];

    /// <summary>The record row: partition <c>{instance}|{day}</c>, row <c>r|{begin}|{end}</c>.</summary>
    public static TableEntity Record(UsageRowAddress address, UsageRecord record, DateTimeOffset arrivedAt)
    {
        var entity = new TableEntity(address.PartitionKey, address.RowKey, 5)
        {
            [Sn] = record.MeteringSn,
            [Value] = FormatValue(record.Value),
            [RecordTime] = UsageTime.ToText(record.RecordTimeUtc),
            [ArrivedAt] = arrivedAt.UtcTicks,
        };
        if (record.RelatePkgInstance is not null) entity[Package] = record.RelatePkgInstance;
        return entity;
    }

    /// <summary>The metering_sn claim: names the record it claims for.</summary>
    public static TableEntity Claim(UsageRowAddress address, UsageRecord record, DateTimeOffset claimedAt) =>
        new(address.PartitionKey, address.RowKey, 3)
        {
            [Instance] = record.InstanceId,
            [RecordKey] = UsageKeys.RecordRowKey(record.BeginUtc, record.EndUtc),
            [ArrivedAt] = claimedAt.UtcTicks,
        };

    /// <summary>The activity row: the instance has records beginning on the billing day.</summary>
    public static TableEntity Activity(DateOnly billingDay, string instanceId) =>
        new(DayKey(billingDay), UsageKeys.EscapeKey(instanceId), 1) { [Instance] = instanceId };

    /// <summary>A late candidate: a copy of the record, filed by arrival under its granularity.</summary>
    public static TableEntity Late(BillingGranularity granularity, UsageRecord record, DateTimeOffset arrivedAt)
    {
        var recordKey = UsageKeys.RecordRowKey(record.BeginUtc, record.EndUtc);
        var entity = new TableEntity(
            UsageKeys.GranularityName(granularity),
            $"{LateKey(arrivedAt)}|{UsageKeys.EscapeKey(record.InstanceId)}|{recordKey}", 7)
        {
            [Instance] = record.InstanceId,
            [RecordKey] = recordKey,
            [Sn] = record.MeteringSn,
            [Value] = FormatValue(record.Value),
            [RecordTime] = UsageTime.ToText(record.RecordTimeUtc),
            [ArrivedAt] = arrivedAt.UtcTicks,
        };
        if (record.RelatePkgInstance is not null) entity[Package] = record.RelatePkgInstance;
        return entity;
    }

    /// <summary>The row-key bound of late candidates arriving at <paramref name="utc"/>.</summary>
    public static string LateKey(DateTimeOffset utc) => utc.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    public static string DayKey(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string FormatValue(decimal value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>Reads a record row back (null when it is not one).</summary>
    public static StoredUsage? ReadRecord(string instanceId, TableEntity entity)
    {
        if (!UsageKeys.TryParseRecordRowKey(entity.RowKey, out var begin, out var end)) return null;
        return Read(instanceId, begin, end, entity);
    }

    /// <summary>Reads a late candidate back.</summary>
    public static StoredUsage? ReadLate(TableEntity entity)
    {
        if (entity.GetString(Instance) is not { } instanceId || entity.GetString(RecordKey) is not { } key
            || !UsageKeys.TryParseRecordRowKey(key, out var begin, out var end))
        {
            return null;
        }

        return Read(instanceId, begin, end, entity);
    }

    private static StoredUsage? Read(string instanceId, DateTimeOffset begin, DateTimeOffset end, TableEntity entity)
    {
        if (entity.GetString(Sn) is not { } sn || entity.GetString(Value) is not { } value
            || !UsageTime.TryParse(entity.GetString(RecordTime), out var recordTime) || entity.GetInt64(ArrivedAt) is not { } at)
        {
            return null;
        }

        var record = new UsageRecord(instanceId, begin, end, recordTime,
            decimal.Parse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture), sn, entity.GetString(Package));
        return new StoredUsage(record, new DateTimeOffset(at, TimeSpan.Zero));
    }
}

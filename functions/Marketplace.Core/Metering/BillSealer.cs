using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.Metering;

/// <summary>
/// Seals one instance's usage of one closed period into a bill. Pure and deterministic: the same inputs give the same bill.
/// </summary>
public static class BillSealer
{
    /// <summary>
    /// The bill of <paramref name="instance"/> for <paramref name="period"/>, or null when there is nothing to seal:
    /// no records at all, or the period is already sealed (<paramref name="period"/> ends at or before
    /// <paramref name="sealedThrough"/>, the end of the last sealed period of this granularity).
    /// <paramref name="records"/> are the unsealed records whose begin_time lies in the period;
    /// <paramref name="lateRecords"/> are unsealed records whose begin_time lies before the period (their own period was sealed
    /// without them): they join this bill, flagged late. A record given twice is counted once; two different records with the
    /// same instance, begin_time and end_time, a record of another instance or outside its list's range throw
    /// <see cref="ArgumentException"/>, as does a period that has not ended at <paramref name="now"/>.
    /// </summary>
    public static SealedBill? Seal(
        BillingInstance instance,
        BillingPeriod period,
        IEnumerable<UsageRecord> records,
        IEnumerable<UsageRecord> lateRecords,
        DateTimeOffset? sealedThrough,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(lateRecords);
        if (period.Granularity != instance.Granularity)
        {
            throw new ArgumentException($"Instance '{instance.InstanceId}' is billed per {UsageKeys.GranularityName(instance.Granularity)}, not per {UsageKeys.GranularityName(period.Granularity)}.", nameof(period));
        }

        if (period.EndUtc > now)
        {
            throw new ArgumentException($"Period {period.Label} has not ended at {now:O}; only closed periods are sealed.", nameof(now));
        }

        if (sealedThrough is { } through && period.EndUtc <= through)
        {
            return null;
        }

        var sealedRecords = new List<SealedRecord>();
        var seen = new Dictionary<UsageRecordIdentity, UsageRecord>();
        void Add(UsageRecord record, bool late, string parameter)
        {
            if (!string.Equals(record.InstanceId, instance.InstanceId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Record '{record.MeteringSn}' is for instance '{record.InstanceId}', not '{instance.InstanceId}'.", parameter);
            }

            var fits = late ? record.BeginUtc < period.StartUtc : period.Contains(record.BeginUtc);
            if (!fits)
            {
                throw new ArgumentException(late
                    ? $"Late record '{record.MeteringSn}' begins at {record.BeginUtc:O}, not before period {period.Label}."
                    : $"Record '{record.MeteringSn}' begins at {record.BeginUtc:O}, outside period {period.Label}.", parameter);
            }

            if (seen.TryGetValue(record.Identity, out var existing))
            {
                if (existing == record)
                {
                    return;
                }

                throw new ArgumentException($"Two different records share instance, begin_time and end_time {record.Identity}.", parameter);
            }

            seen.Add(record.Identity, record);
            sealedRecords.Add(new SealedRecord(record, late));
        }

        foreach (var record in records)
        {
            Add(record, late: false, nameof(records));
        }

        foreach (var record in lateRecords)
        {
            Add(record, late: true, nameof(lateRecords));
        }

        if (sealedRecords.Count == 0)
        {
            return null;
        }

        var ordered = Canonical(sealedRecords);
        var total = UsageRecordValidator.ToFourPlaces(ordered.Sum(r => r.Record.Value));
        var bill = new Bill(
            BillId(instance.InstanceId, period.Granularity, period.StartUtc),
            instance.InstanceId,
            instance.SellerId,
            instance.BuyerId,
            period.Granularity,
            period.StartUtc,
            period.EndUtc,
            period.Label,
            total,
            ordered.Count,
            ordered.Count(r => r.Late),
            Sha256Of(ordered),
            now.ToUniversalTime());
        return new SealedBill(bill, ordered);
    }

    /// <summary>
    /// The bill id: <c>bill-{hour|day}-{periodStart:yyyyMMdd'T'HHmm'Z'}-{first 24 hex of SHA-256(instance_id)}</c>,
    /// e.g. <c>bill-day-20261121T1600Z-3b1f…</c>. Deterministic, URL-safe and valid as a table key.
    /// </summary>
    public static string BillId(string instanceId, BillingGranularity granularity, DateTimeOffset periodStartUtc)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(instanceId)))[..24];
        var start = periodStartUtc.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture);
        return $"bill-{UsageKeys.GranularityName(granularity)}-{start}-{hash}";
    }

    /// <summary>The records in canonical order: begin_time, then end_time, then metering_sn (ordinal).</summary>
    public static IReadOnlyList<SealedRecord> Canonical(IEnumerable<SealedRecord> records) =>
        records
            .OrderBy(r => r.Record.BeginUtc)
            .ThenBy(r => r.Record.EndUtc)
            .ThenBy(r => r.Record.MeteringSn, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The text the seal hash is computed over: one line per record in canonical order, each ended by <c>\n</c>:
    /// <c>instance_id|begin_time|end_time|record_time|usage_value|metering_sn|relate_pkg_instance|late</c>
    /// with times as <c>yyyyMMddTHHmmssZ</c> (UTC), the value with exactly 4 decimals and a dot (<c>99.0000</c>),
    /// an absent relate_pkg_instance as the empty string, late as <c>1</c> or <c>0</c>, and the three text fields
    /// escaped with <see cref="UsageKeys.EscapeKey"/> (so <c>|</c>, <c>%</c> and line breaks inside them cannot fake a field).
    /// </summary>
    public static string CanonicalText(IEnumerable<SealedRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var builder = new StringBuilder();
        foreach (var (record, late) in Canonical(records))
        {
            builder
                .Append(UsageKeys.EscapeKey(record.InstanceId)).Append('|')
                .Append(UsageTime.ToText(record.BeginUtc)).Append('|')
                .Append(UsageTime.ToText(record.EndUtc)).Append('|')
                .Append(UsageTime.ToText(record.RecordTimeUtc)).Append('|')
                .Append(record.Value.ToString("0.0000", CultureInfo.InvariantCulture)).Append('|')
                .Append(UsageKeys.EscapeKey(record.MeteringSn)).Append('|')
                .Append(UsageKeys.EscapeKey(record.RelatePkgInstance ?? string.Empty)).Append('|')
                .Append(late ? '1' : '0')
                .Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <see cref="CanonicalText"/>.</summary>
    public static string Sha256Of(IEnumerable<SealedRecord> records) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText(records))));
}

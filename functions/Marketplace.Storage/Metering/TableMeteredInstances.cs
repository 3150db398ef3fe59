using System.Collections.Concurrent;
using Marketplace.Core.Metering;
using Marketplace.Storage.Tables;

namespace Marketplace.Storage.Metering;

/// <summary>
/// The metered-instance index: table <c>instances</c>, partition = the (escaped) instance id, row <c>metering</c> (so it can
/// share the table with the instance aggregate's own rows). Look-ups are cached for 30 seconds, since every usage push reads
/// the instances it names; a change saved through this process is seen at once, one saved by another process (a scaled-out
/// host) within that time.
/// </summary>
public sealed class TableMeteredInstances(TableProvisioner tables, TimeProvider time) : IMeteredInstances
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private const int CacheLimit = 100_000;
    private readonly ConcurrentDictionary<string, (MeteredInstance? Instance, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task<MeteredInstance?> FindAsync(string instanceId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(instanceId, out var hit) && hit.Until > now) return hit.Instance;
        var table = await tables.GetAsync(UsageKeys.InstanceTable, ct);
        var row = await table.GetAsync(UsageKeys.EscapeKey(instanceId), UsageKeys.InstanceRowKey, cancellationToken: ct);
        var instance = row is null ? null : Read(instanceId, row);
        if (_cache.Count > CacheLimit) _cache.Clear();
        _cache[instanceId] = (instance, now + CacheFor);
        return instance;
    }

    public async Task SaveAsync(MeteredInstance instance, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.InstanceTable, ct);
        var row = new TableEntity(UsageKeys.EscapeKey(instance.InstanceId), UsageKeys.InstanceRowKey, 11)
        {
            ["InstanceId"] = instance.InstanceId,
            ["SellerId"] = instance.SellerId,
            ["BuyerId"] = instance.BuyerId,
            ["ProductId"] = instance.ProductId,
            ["OrderId"] = instance.OrderId,
            ["OnDemand"] = instance.IsOnDemand,
            ["Granularity"] = instance.Granularity is { } g ? UsageKeys.GranularityName(g) : null,
            ["Status"] = instance.Status.ToString(),
            ["ProductDelisted"] = instance.ProductDelisted,
            ["InactiveSince"] = instance.InactiveSince,
            ["UpdatedAt"] = instance.UpdatedAt,
        };
        await table.UpsertAsync(row, TableUpdateMode.Replace, ct);
        _cache[instance.InstanceId] = (instance, time.GetUtcNow() + CacheFor);
    }

    private static MeteredInstance? Read(string instanceId, TableEntity row)
    {
        if (row.GetString("SellerId") is not { } seller || !Enum.TryParse<InstanceUsageStatus>(row.GetString("Status"), out var status)) return null;
        var granularity = row.GetString("Granularity") switch
        {
            "hour" => BillingGranularity.Hour,
            "day" => BillingGranularity.Day,
            _ => (BillingGranularity?)null,
        };
        return new MeteredInstance(instanceId, seller, row.GetString("BuyerId") ?? "", row.GetString("ProductId") ?? "", row.GetString("OrderId"),
            row.GetBoolean("OnDemand") ?? false, granularity, status, row.GetBoolean("ProductDelisted") ?? false,
            row.GetDateTimeOffset("InactiveSince"), row.GetDateTimeOffset("UpdatedAt"));
    }
}

namespace Marketplace.Core.Metering;

/// <summary>The instance states that matter to metering (the order/instance aggregate's status, mapped by the use case).</summary>
public enum InstanceUsageStatus
{
    Creating,
    Active,
    Frozen,
    Released,
    Failed,
}

/// <summary>
/// What the validator needs to know about an instance.
/// <see cref="InactiveSince"/> is the moment a <see cref="InstanceUsageStatus.Frozen"/> or
/// <see cref="InstanceUsageStatus.Released"/> instance stopped being active: usage that ended by then is still accepted.
/// </summary>
public sealed record InstanceFacts(
    string SellerId,
    bool IsOnDemand,
    InstanceUsageStatus Status,
    bool ProductDelisted,
    DateTimeOffset? InactiveSince = null);

/// <summary>
/// The look-ups the validator makes. The use case prefetches them for one push (the instance ids, metering_sns and record
/// identities are known from the parsed request) and passes a snapshot, so validation stays pure.
/// </summary>
public interface IUsageFacts
{
    /// <summary>The instance, or null when no instance has this id.</summary>
    InstanceFacts? FindInstance(string instanceId);

    /// <summary>
    /// True when <paramref name="sellerId"/> already had a record with this <c>metering_sn</c> accepted (code 005).
    /// A claim row whose record row was never written (a crash between the two writes) for this same record is not a claim.
    /// </summary>
    bool IsMeteringSnAccepted(string sellerId, string meteringSn);

    /// <summary>True when a record with this instance, begin_time and end_time was accepted before (code 010).</summary>
    bool IsRecordAccepted(UsageRecordIdentity identity);
}

/// <summary>An in-memory <see cref="IUsageFacts"/>: what the use case prefetched, or a test fixture.</summary>
public sealed class UsageFactsSnapshot : IUsageFacts
{
    private readonly Dictionary<string, InstanceFacts> _instances;
    private readonly HashSet<(string SellerId, string Sn)> _sns;
    private readonly HashSet<UsageRecordIdentity> _records;

    public UsageFactsSnapshot(
        IReadOnlyDictionary<string, InstanceFacts> instances,
        IEnumerable<(string SellerId, string MeteringSn)>? acceptedSns = null,
        IEnumerable<UsageRecordIdentity>? acceptedRecords = null)
    {
        ArgumentNullException.ThrowIfNull(instances);
        _instances = new Dictionary<string, InstanceFacts>(instances, StringComparer.Ordinal);
        _sns = [.. acceptedSns ?? []];
        _records = [.. acceptedRecords ?? []];
    }

    public InstanceFacts? FindInstance(string instanceId) => _instances.GetValueOrDefault(instanceId);

    public bool IsMeteringSnAccepted(string sellerId, string meteringSn) => _sns.Contains((sellerId, meteringSn));

    public bool IsRecordAccepted(UsageRecordIdentity identity) => _records.Contains(identity);
}

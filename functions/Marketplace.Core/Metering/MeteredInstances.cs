using Marketplace.Core.Catalogue;

namespace Marketplace.Core.Metering;

/// <summary>
/// What metering knows about one instance: who sells and buys it, whether and how often it is billed on demand, and its
/// status. The instance lifecycle (seller calls: newInstance, updateInstanceStatus, releaseInstance) keeps it current
/// through <see cref="MeteredInstances"/>; the usage push and the bill runs read it.
/// </summary>
public sealed record MeteredInstance(
    string InstanceId,
    string SellerId,
    string BuyerId,
    string ProductId,
    string? OrderId,
    bool IsOnDemand,
    BillingGranularity? Granularity,
    InstanceUsageStatus Status,
    bool ProductDelisted = false,
    DateTimeOffset? InactiveSince = null,
    DateTimeOffset? UpdatedAt = null)
{
    /// <summary>The facts the usage validator checks (codes 001, 006, 009, 012, 013).</summary>
    public InstanceFacts Facts => new(SellerId, IsOnDemand && Granularity is not null, Status, ProductDelisted, InactiveSince);

    /// <summary>The instance as a bill names it, or null when it is not billed on demand.</summary>
    public BillingInstance? Billing => IsOnDemand && Granularity is { } g ? new BillingInstance(InstanceId, SellerId, BuyerId, g) : null;
}

/// <summary>
/// The metered-instance index (Tables: <c>instances</c>, partition = instance id). Written by the instance lifecycle,
/// read by every usage push and bill run.
/// </summary>
public interface IMeteredInstances
{
    Task<MeteredInstance?> FindAsync(string instanceId, CancellationToken ct);

    /// <summary>Creates or replaces the instance's row.</summary>
    Task SaveAsync(MeteredInstance instance, CancellationToken ct);
}

/// <summary>
/// The seam between the instance lifecycle and metering. The seller-call work calls <see cref="RegisterAsync"/> when an
/// instance is created (status <see cref="InstanceUsageStatus.Creating"/>) and again when it becomes active, and
/// <see cref="SetStatusAsync"/> when it is frozen, unfrozen, released or fails. Every call is idempotent.
/// </summary>
public sealed class MeteredInstances(IMeteredInstances index, TimeProvider time)
{
    /// <summary>Records (or updates) the instance of an order of <paramref name="product"/>.</summary>
    public async Task<MeteredInstance> RegisterAsync(
        Order order, Product product, string instanceId, InstanceUsageStatus status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(product);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        if (instanceId.Length > UsageRecordValidator.MaxIdLength)
        {
            throw new ArgumentException($"An instance id has at most {UsageRecordValidator.MaxIdLength} characters.", nameof(instanceId));
        }

        var now = time.GetUtcNow();
        var existing = await index.FindAsync(instanceId, ct);
        var instance = new MeteredInstance(
            instanceId, order.SellerId, order.BuyerId, product.ProductId, order.OrderId,
            product.ChargingMode == ChargingMode.OnDemand,
            product.UsageBilling switch
            {
                UsageBilling.Hourly => BillingGranularity.Hour,
                UsageBilling.Daily => BillingGranularity.Day,
                _ => null,
            },
            status,
            existing?.ProductDelisted ?? false,
            status is InstanceUsageStatus.Frozen or InstanceUsageStatus.Released ? existing?.InactiveSince ?? now : null,
            now);
        await index.SaveAsync(instance, ct);
        return instance;
    }

    /// <summary>
    /// Moves a known instance to <paramref name="status"/>; <paramref name="at"/> is when it stopped being active (freeze,
    /// release), so usage that ended by then is still accepted. Unknown instances are ignored (false).
    /// </summary>
    public async Task<bool> SetStatusAsync(string instanceId, InstanceUsageStatus status, DateTimeOffset? at, CancellationToken ct)
    {
        var existing = await index.FindAsync(instanceId, ct);
        if (existing is null) return false;
        var inactiveSince = status is InstanceUsageStatus.Frozen or InstanceUsageStatus.Released
            ? existing.InactiveSince ?? at ?? time.GetUtcNow()
            : (DateTimeOffset?)null;
        await index.SaveAsync(existing with { Status = status, InactiveSince = inactiveSince, UpdatedAt = time.GetUtcNow() }, ct);
        return true;
    }

    /// <summary>Marks the instance's product delisted (or listed again): its usage is then refused with 006.</summary>
    public async Task<bool> SetProductDelistedAsync(string instanceId, bool delisted, CancellationToken ct)
    {
        var existing = await index.FindAsync(instanceId, ct);
        if (existing is null) return false;
        await index.SaveAsync(existing with { ProductDelisted = delisted, UpdatedAt = time.GetUtcNow() }, ct);
        return true;
    }

    public Task<MeteredInstance?> FindAsync(string instanceId, CancellationToken ct) => index.FindAsync(instanceId, ct);
}

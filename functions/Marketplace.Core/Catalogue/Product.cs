using Marketplace.Core.Common;
using Marketplace.Core.Supervision;

namespace Marketplace.Core.Catalogue;

public static class DeliveryTypes
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "manualService", "saas", "saasOffline", "license", "licenseCode", "licensePackage", "hardware", "appOrchestration", "dataFile",
    };
}

public enum ChargingMode { Period, OneTime, OnDemand }

public enum UsageBilling { Hourly, Daily }

public sealed record Product
{
    public required string ProductId { get; init; }
    public required string SellerId { get; init; }
    public required string Name { get; init; }
    public required string DeliveryType { get; init; }
    public required ChargingMode ChargingMode { get; init; }
    public UsageBilling? UsageBilling { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public bool Frozen { get; init; }
    public string? FrozenReason { get; init; }

    /// <summary>Instant SaaS is provisioned through the seller's production interface (newInstance).</summary>
    public bool IsInstantSaas => DeliveryType == "saas";

    /// <summary>The supervision flow a new order of this product runs, or null when it is not supervised.</summary>
    public FlowVariant? SupervisionFlow => FlowVariants.FromDeliveryType(DeliveryType);
}

public abstract record ProductEvent : IDomainEvent
{
    public abstract string Action { get; }
    public virtual string? Reason => null;
}

public sealed record ProductCreated(Product Product) : ProductEvent
{
    public override string Action => "product.created";
}

public sealed record ProductFrozen(string Why, DateTimeOffset At) : ProductEvent
{
    public override string Action => "product.frozen";
    public override string? Reason => Why;
}

public sealed record ProductUnfrozen(DateTimeOffset At) : ProductEvent
{
    public override string Action => "product.unfrozen";
}

public static class ProductRules
{
    public static Product Apply(Product? state, ProductEvent e) => e switch
    {
        ProductCreated c => c.Product,
        ProductFrozen f => state! with { Frozen = true, FrozenReason = f.Why },
        ProductUnfrozen => state! with { Frozen = false, FrozenReason = null },
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    public static Decision<ProductEvent> Create(Product? existing, Product product)
    {
        if (existing is not null) return DomainError.Conflict("product.exists", $"Product {product.ProductId} already exists.");
        if (string.IsNullOrWhiteSpace(product.Name) || product.Name.Length > 200)
            return DomainError.Invalid("validation.failed", "name is required (at most 200 characters).");
        if (!DeliveryTypes.All.Contains(product.DeliveryType))
            return DomainError.Invalid("validation.failed", $"deliveryType must be one of {string.Join(", ", DeliveryTypes.All)}.");
        if (product.ChargingMode == ChargingMode.OnDemand && product.UsageBilling is null)
            return DomainError.Invalid("validation.failed", "An onDemand product needs usageBilling: hourly or daily.");
        if (product.ChargingMode != ChargingMode.OnDemand && product.UsageBilling is not null)
            return DomainError.Invalid("validation.failed", "usageBilling applies to onDemand products only.");
        return Decision<ProductEvent>.Accept(new ProductCreated(product));
    }
}

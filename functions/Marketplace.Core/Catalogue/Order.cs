using Marketplace.Core.Common;
using Marketplace.Core.Supervision;

namespace Marketplace.Core.Catalogue;

/// <summary>
/// An order, taken as paid when placed (payment is outside this platform). A supervised product's order carries the
/// id of its supervision case; an instant SaaS order the instance its seller creates.
/// </summary>
public sealed record Order
{
    public required string OrderId { get; init; }
    public required string OrderLineId { get; init; }
    public required string BuyerId { get; init; }
    public required string SellerId { get; init; }
    public required string ProductId { get; init; }
    public required string DeliveryType { get; init; }
    public required ChargingMode ChargingMode { get; init; }
    public required Scenario Scenario { get; init; }
    public int? PeriodMonths { get; init; }
    public Shipping? Shipping { get; init; }
    public required DateTimeOffset PlacedAt { get; init; }
    public string? CaseId { get; init; }
    public FlowVariant? Flow { get; init; }
    public string? InstanceId { get; init; }

    /// <summary>Supervised orders: processing → completed (or closed); the validity period starts at the actual start time.</summary>
    public string Status { get; init; } = "processing";
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? ValidFrom { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }

    // Instant SaaS (§6.3; OrderInstanceRules): creating → active (instanceId, appInfo) → frozen / released, or failed.
    public SellerCalls.Protocol.AppInfo? AppInfo { get; init; }
    /// <summary>Null for a purchase; <c>upgrade</c> for an upgrade order of <see cref="ParentOrderId"/>'s instance.</summary>
    public string? OrderType { get; init; }
    public string? ParentOrderId { get; init; }
    public string? FailedReason { get; init; }
    /// <summary>Calls about the instance go out one at a time, in order (§7.10): the one under way and those waiting.</summary>
    public string? ActiveCallId { get; init; }
    public IReadOnlyList<QueuedInstanceCall> QueuedCalls { get; init; } = [];
    public int InstanceCallCount { get; init; }
    public IReadOnlyList<InstanceChange> Changes { get; init; } = [];
}

/// <summary>Hardware orders capture the recipient at purchase (the phone matters for auto-acceptance).</summary>
public sealed record Shipping(string Recipient, string Phone, string Address);

public abstract record OrderEvent : IDomainEvent
{
    public abstract string Action { get; }
    public virtual string? Reason => null;
}

public sealed record OrderPlaced(Order Order) : OrderEvent
{
    public override string Action => "order.placed";
}

/// <summary>The supervision case ended; the order follows (seed 003: within 3 hours of acceptance).</summary>
public sealed record OrderSupervisionEnded(string Outcome, DateTimeOffset At, DateTimeOffset? ValidFrom) : OrderEvent
{
    public override string Action => Outcome == "completed" ? "order.completed" : "order.closed";
}

/// <summary>License 2.0: the seller activated the order's license code; the validity period starts then (seed 002).</summary>
public sealed record OrderLicenseActivated(DateTimeOffset ActivatedAt, DateTimeOffset At) : OrderEvent
{
    public override string Action => "order.license-activated";
}

public static class OrderRules
{
    public static Order Apply(Order? state, OrderEvent e) => e switch
    {
        OrderPlaced p => p.Order,
        OrderSupervisionEnded s => state! with
        {
            Status = s.Outcome,
            CompletedAt = s.At,
            ValidFrom = s.ValidFrom,
            // §6.10: the validity period runs from the actual start time (or acceptance) for the bought months.
            ExpiresAt = s.ValidFrom is { } from && state.PeriodMonths is { } months ? from.AddMonths(months) : state.ExpiresAt,
        },
        // Seed 002: "the service's actual start time equals the code activation time"; the period runs from it.
        OrderLicenseActivated a => state! with
        {
            ValidFrom = a.ActivatedAt,
            ExpiresAt = state.PeriodMonths is { } months ? a.ActivatedAt.AddMonths(months) : state.ExpiresAt,
        },
        _ => OrderInstanceRules.Apply(state!, e),
    };

    public static Decision<OrderEvent> Place(Order? existing, Product product, Order order)
    {
        // The same placement again (an id from the request's identity, a repeat after the first attempt died): done already.
        if (existing is not null && existing.OrderType is null && existing.BuyerId == order.BuyerId && existing.ProductId == order.ProductId
            && existing.Scenario == order.Scenario && existing.PeriodMonths == order.PeriodMonths && existing.Shipping == order.Shipping)
            return Decision<OrderEvent>.Accept();
        if (existing is not null) return DomainError.Conflict("order.exists", $"Order {order.OrderId} already exists.");
        if (product.Frozen)
            return DomainError.Conflict("product.frozen", $"Product {product.ProductId} is frozen and takes no new orders: {product.FrozenReason}");
        if (order.PeriodMonths is < 1 or > 120)
            return DomainError.Invalid("validation.failed", "periodMonths must be between 1 and 120.");
        if (product.DeliveryType == "hardware" && order.Shipping is null)
            return DomainError.Invalid("validation.failed", "A hardware order needs shipping: recipient, phone and address.");
        if (order.Shipping is { } s && (string.IsNullOrWhiteSpace(s.Recipient) || string.IsNullOrWhiteSpace(s.Phone) || string.IsNullOrWhiteSpace(s.Address)
                                        || s.Recipient.Length > 100 || s.Phone.Length > 32 || s.Address.Length > 500))
            return DomainError.Invalid("validation.failed", "shipping needs recipient (≤100), phone (≤32) and address (≤500).");
        return Decision<OrderEvent>.Accept(new OrderPlaced(order));
    }

    /// <summary>The order's license code was activated: its actual start time is the activation time. The first activation
    /// stands; a repeat (or a late message) changes nothing.</summary>
    public static Decision<OrderEvent> StartLicense(Order? order, DateTimeOffset activatedAt, DateTimeOffset now)
    {
        if (order is null) return DomainError.NotFound("order.not-found", "The order does not exist.");
        if (order.Flow != FlowVariant.License2)
            return DomainError.Conflict("order.not-license", $"Order {order.OrderId} has no license code ({order.DeliveryType}).");
        return order.ValidFrom is null ? Decision<OrderEvent>.Accept(new OrderLicenseActivated(activatedAt, now)) : Decision<OrderEvent>.Accept();
    }

    public static Decision<OrderEvent> EndSupervision(Order? order, string outcome, DateTimeOffset at, DateTimeOffset? validFrom)
    {
        if (order is null) return DomainError.NotFound("order.not-found", "The order does not exist.");
        if (order.Status != "processing") return Decision<OrderEvent>.Accept(); // already synced: at-least-once delivery
        return Decision<OrderEvent>.Accept(new OrderSupervisionEnded(outcome, at, validFrom));
    }
}

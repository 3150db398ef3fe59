using System.Security.Cryptography;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;
using Marketplace.Core.Supervision;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Catalogue;

/// <summary>Sellers, products and orders: what a supervision case or a seller call starts from.</summary>
public sealed class CatalogueService(
    AggregateRunner runner, SupervisionCases cases, Licenses.LicenseCodes licenses, IOptions<SellerCallOptions> callOptions, TimeProvider time)
{
    public static readonly AggregateDefinition<Seller, SellerEvent> Sellers = new()
    {
        Kind = "sellers",
        Apply = SellerRules.Apply,
        StateName = _ => "active",
    };

    public static readonly AggregateDefinition<Product, ProductEvent> Products = new()
    {
        Kind = "products",
        Apply = ProductRules.Apply,
        StateName = p => p.Frozen ? "frozen" : "onSale",
        Tags = p => new Dictionary<string, string> { ["sellerId"] = p.SellerId },
    };

    public static readonly AggregateDefinition<Order, OrderEvent> Orders = new()
    {
        Kind = "orders",
        Apply = OrderRules.Apply,
        StateName = o => o.Status,
        Tags = OrderInstanceRules.Tags, // buyerId, sellerId, and the instanceId of a SaaS order
        // SaaS orders: the seller calls about the instance (§6.3); License 2.0 orders: the license code (§6.2-L2 #1).
        Outbox = (o, e) => [.. OrderInstanceRules.Outbox(o, e), .. Licenses.LicenseCodes.OrderOutbox(o, e)],
    };

    public sealed record SellerRegistration(string SellerId, string AccessKey, string KitKey);

    public async Task<SellerRegistration> RegisterSellerAsync(Actor ops, string? name, string? productionUrl, string? kitUrl, CancellationToken ct)
    {
        var allowInsecure = callOptions.Value.AllowInsecureUrls;
        DomainException.ThrowIf(SellerUrlRules.Validate(productionUrl, allowInsecure));
        if (kitUrl is not null) DomainException.ThrowIf(SellerUrlRules.Validate(kitUrl, allowInsecure));
        var sellerId = "SL" + NewId(12);
        var key = NewKey(time.GetUtcNow());
        var result = await runner.ExecuteAsync(Sellers, sellerId, ops,
            (state, now) => SellerRules.Register(state, sellerId, name ?? "", productionUrl!, kitUrl, key with { IssuedAt = now }, now), ct);
        DomainException.ThrowIf(result.Error);
        return new SellerRegistration(sellerId, key.AccessKey, key.KitKey);
    }

    public async Task<Seller> GetSellerAsync(string sellerId, CancellationToken ct) =>
        (await runner.LoadAsync(Sellers, sellerId, ct))?.State
        ?? throw new DomainException(DomainError.NotFound("seller.not-found", $"Seller {sellerId} does not exist."));

    public async Task<Product> CreateProductAsync(Actor seller, string? name, string? deliveryType, string? chargingMode, string? usageBilling, CancellationToken ct)
    {
        await GetSellerAsync(seller.Id, ct); // a seller's token names a registered seller
        var mode = chargingMode switch
        {
            "period" => ChargingMode.Period,
            "oneTime" => ChargingMode.OneTime,
            "onDemand" => ChargingMode.OnDemand,
            _ => throw new DomainException(DomainError.Invalid("validation.failed", "chargingMode must be period, oneTime or onDemand.")),
        };
        UsageBilling? billing = usageBilling switch
        {
            null => null,
            "hourly" => UsageBilling.Hourly,
            "daily" => UsageBilling.Daily,
            _ => throw new DomainException(DomainError.Invalid("validation.failed", "usageBilling must be hourly or daily.")),
        };
        var product = new Product
        {
            ProductId = "PD" + NewId(12), SellerId = seller.Id, Name = name?.Trim() ?? "", DeliveryType = deliveryType ?? "",
            ChargingMode = mode, UsageBilling = billing, CreatedAt = time.GetUtcNow(),
        };
        var result = await runner.ExecuteAsync(Products, product.ProductId, seller, (state, _) => ProductRules.Create(state, product), ct);
        DomainException.ThrowIf(result.Error);
        return result.State!;
    }

    public async Task<Product> GetProductAsync(string productId, CancellationToken ct) =>
        (await runner.LoadAsync(Products, productId, ct))?.State
        ?? throw new DomainException(DomainError.NotFound("product.not-found", $"Product {productId} does not exist."));

    /// <summary>
    /// Places an order, taken as paid. A supervised product opens its case at once (§6.1), and a License 2.0 product
    /// issues its code; both are idempotent. With a <paramref name="requestId"/> (the identity of a request with an
    /// Idempotency-Key) the order id comes from it: a repeat that runs again after the first attempt died (or failed
    /// between the writes) finds that order and completes the job instead of placing a second order.
    /// </summary>
    public async Task<Order> PlaceOrderAsync(Actor buyer, string? productId, string? scenario, int? periodMonths, Shipping? shipping, string? requestId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(productId)) DomainException.ThrowIf(DomainError.Invalid("validation.failed", "productId is required."));
        var product = await GetProductAsync(productId!, ct);
        var parsedScenario = Scenarios.Parse(scenario ?? Scenarios.StandardWire)
                             ?? throw new DomainException(DomainError.Invalid("validation.failed", "scenario must be standard, enablementCloud or baseCloud."));
        var now = time.GetUtcNow();
        var orderId = NewOrderId(now, requestId);
        var flow = FlowVariants.ForOrder(product.DeliveryType, isRenewal: false);
        var order = new Order
        {
            OrderId = orderId, OrderLineId = orderId + "-000001", BuyerId = buyer.Id, SellerId = product.SellerId, ProductId = product.ProductId,
            DeliveryType = product.DeliveryType, ChargingMode = product.ChargingMode, Scenario = parsedScenario, PeriodMonths = periodMonths,
            Shipping = shipping, PlacedAt = now, Flow = flow, CaseId = flow is null ? null : SupervisionCases.CaseIdFor(orderId),
            Status = flow is null ? "creating" : "processing",
        };
        var result = await runner.ExecuteAsync(Orders, orderId, buyer, (state, _) => OrderRules.Place(state, product, order), ct);
        DomainException.ThrowIf(result.Error);
        if (result.State!.Flow is not null) await cases.OpenAsync(result.State, ct);
        // §6.2-L2 #1: the code is issued with the paid order (the order's outbox issues it too, should this step fail).
        if (result.State.Flow == FlowVariant.License2) await licenses.IssueAsync(result.State, ct);
        return result.State;
    }

    public async Task<Order> GetOrderAsync(string orderId, Actor actor, CancellationToken ct)
    {
        var order = (await runner.LoadAsync(Orders, orderId, ct))?.State;
        var visible = order is not null && actor.Role switch
        {
            Role.Buyer => order.BuyerId == actor.Id,
            Role.Seller => order.SellerId == actor.Id,
            Role.Ops or Role.Reviewer or Role.System => true,
            _ => false,
        };
        return visible ? order! : throw new DomainException(DomainError.NotFound("order.not-found", $"Order {orderId} does not exist."));
    }

    /// <summary>Outbox handler body: the case ended, the order follows. Idempotent.</summary>
    public async Task EndSupervisionAsync(OrderSupervisionEndedMessage message, CancellationToken ct)
    {
        var result = await runner.ExecuteAsync(Orders, message.OrderId, Actor.Platform,
            (state, _) => OrderRules.EndSupervision(state, message.Outcome, message.At, message.ValidFrom), ct);
        DomainException.ThrowIf(result.Error);
    }

    private static SellerKey NewKey(DateTimeOffset now) =>
        new("K" + NewId(8), "ak" + NewId(40), "kk" + NewId(40), now, null, null);

    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>
    /// A new order id, KooGallery style (e.g. <c>CS2211181819B4LVS</c>): <c>CS</c>, the UTC minute and 5 random characters;
    /// or, for a request with an identity (see <see cref="PlaceOrderAsync"/>), <c>CS</c> and 15 characters from its hash,
    /// so every attempt of that request names the same order.
    /// </summary>
    public static string NewOrderId(DateTimeOffset now, string? requestId = null)
    {
        if (requestId is null) return "CS" + now.UtcDateTime.ToString("yyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture) + NewId(5);
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(requestId));
        var digits = (BitConverter.ToUInt64(hash, 0) % 10_000_000_000UL).ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
        return "CS" + digits + string.Concat(hash.AsSpan(8, 5).ToArray().Select(b => Alphabet[b % Alphabet.Length]));
    }

    /// <summary>Random upper-case id characters (no 0/O/1/I), from the system's CSPRNG.</summary>
    public static string NewId(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;
using Marketplace.Core.Work;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Catalogue;

/// <summary>What a renewal did: the renewal order and the new expiry.</summary>
public sealed record RenewalResult(string OrderId, string RenewalOrderId, string Scene, DateTimeOffset ExpiresAt, string Status);

/// <summary>
/// The SaaS instance use cases of §6.3 on top of <see cref="OrderInstanceRules"/>: renewal (with a changeInstanceCheck
/// first when the renewal changes the product), upgrade, unsubscribe, freeze and unfreeze, and keeping the order in
/// line with its seller calls.
/// </summary>
public sealed class OrderInstanceService(
    AggregateRunner runner,
    IAggregateStore store,
    CatalogueService catalogue,
    SellerCallService calls,
    SellerDirectory sellers,
    ISellerTransport transport,
    INonceSource nonces,
    IOptions<SellerCallOptions> callOptions,
    TimeProvider time,
    ILogger<OrderInstanceService> logger)
{
    private static AggregateDefinition<Order, OrderEvent> Orders => CatalogueService.Orders;

    /// <summary>
    /// Renews the instance until <paramref name="expireTime"/> (refreshInstance, scene RENEWAL). With a
    /// <paramref name="productId"/> other than the order's, it is a renewal change: the seller is asked first with one
    /// synchronous changeInstanceCheck (5 s timeout, no retries: it is a question, not a delivery); anything but
    /// 000000 refuses the renewal with 409 <c>order.change-rejected</c> and changes nothing. When the seller allows it,
    /// refreshInstance goes out with scene RENEWAL_CHANGE and the new productId.
    /// </summary>
    public async Task<RenewalResult> RenewAsync(string orderId, Actor buyer, DateTimeOffset? expireTime, string? productId, string? requestId, CancellationToken ct)
    {
        if (expireTime is null) throw new DomainException(DomainError.Invalid("validation.failed", "expireTime is required (an ISO-8601 UTC time)."));
        var order = await LoadAsync(orderId, ct);
        var renewalOrderId = NewOrderId(requestId);
        string? newProductId = null;
        if (productId is not null && order is not null && productId != order.ProductId)
        {
            var target = await catalogue.GetProductAsync(productId, ct);
            DomainException.ThrowIf(OrderInstanceRules.Renew(order, buyer, expireTime.Value, productId, renewalOrderId, time.GetUtcNow()).Error);
            if (target.Frozen)
                DomainException.ThrowIf(DomainError.Conflict("product.frozen", $"Product {target.ProductId} is frozen and takes no new orders: {target.FrozenReason}"));
            if (target.SellerId != order.SellerId || target.DeliveryType != OrderInstanceRules.Saas)
                DomainException.ThrowIf(DomainError.Invalid("validation.failed", "A renewal change must be to another SaaS product of the same seller."));
            await CheckChangeAsync(order, target, expireTime.Value, ct);
            newProductId = productId;
        }

        var result = await runner.ExecuteAsync(Orders, orderId, buyer,
            (state, now) => OrderInstanceRules.Renew(state, buyer, expireTime.Value, newProductId, renewalOrderId, now), ct);
        DomainException.ThrowIf(result.Error);
        return new RenewalResult(orderId, renewalOrderId, newProductId is null ? "RENEWAL" : "RENEWAL_CHANGE", result.State!.ExpiresAt!.Value, result.State.Status);
    }

    /// <summary>
    /// Upgrades the instance to another product of the seller: a new order (returned) and upgradeInstance with the same
    /// instanceId. A repeat of the same request (<paramref name="requestId"/>) returns the upgrade order it placed.
    /// </summary>
    public async Task<Order> UpgradeAsync(string orderId, Actor buyer, string? productId, string? requestId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(productId)) throw new DomainException(DomainError.Invalid("validation.failed", "productId is required."));
        var target = await catalogue.GetProductAsync(productId, ct);
        var upgradeOrderId = NewOrderId(requestId);
        Order? upgrade = null;
        var result = await runner.ExecuteAsync(Orders, orderId, buyer, (state, now) =>
        {
            var decision = OrderInstanceRules.Upgrade(state, buyer, target, upgradeOrderId, now);
            upgrade = decision.Events.OfType<OrderUpgradeRequested>().FirstOrDefault()?.UpgradeOrder;
            return decision;
        }, ct);
        DomainException.ThrowIf(result.Error);
        if (upgrade is null)
        {
            // Requested already by this request's first attempt: the order names it among its changes.
            var requested = result.State!.Changes.First(c => c.OrderId == upgradeOrderId);
            upgrade = await LoadAsync(upgradeOrderId, ct) ?? OrderInstanceRules.UpgradeOrder(result.State, target, upgradeOrderId, requested.At);
        }

        // The outbox creates the upgrade order too (after a crash here); creating it now lets the buyer read it at once.
        return await PlaceUpgradeAsync(upgrade, ct);
    }

    public async Task<Order> UnsubscribeAsync(string orderId, Actor buyer, string? requestId, CancellationToken ct)
    {
        var unsubscribeOrderId = NewOrderId(requestId);
        var result = await runner.ExecuteAsync(Orders, orderId, buyer,
            (state, now) => OrderInstanceRules.Unsubscribe(state, buyer, unsubscribeOrderId, now), ct);
        DomainException.ThrowIf(result.Error);
        return result.State!;
    }

    /// <summary>Ops freeze or unfreeze an instance, found by its instanceId.</summary>
    public async Task<Order> ChangeStatusAsync(string instanceId, Actor ops, string? status, string? reason, CancellationToken ct)
    {
        var change = status switch
        {
            "FREEZE" => InstanceStatusChange.Freeze,
            "UNFREEZE" => InstanceStatusChange.Unfreeze,
            _ => throw new DomainException(DomainError.Invalid("validation.failed", "status must be FREEZE or UNFREEZE.")),
        };
        var order = await FindByInstanceAsync(instanceId, ct)
                    ?? throw new DomainException(DomainError.NotFound("instance.not-found", $"Instance {instanceId} does not exist."));
        var result = await runner.ExecuteAsync(Orders, order.OrderId, ops,
            (state, now) => OrderInstanceRules.ChangeStatus(state, ops, change, reason, now), ct);
        DomainException.ThrowIf(result.Error);
        return result.State!;
    }

    /// <summary>The instance's order (the purchase, not an upgrade order), or null.</summary>
    public async Task<Order?> FindByInstanceAsync(string instanceId, CancellationToken ct)
    {
        await foreach (var record in store.QueryAsync(Orders.Kind, new Dictionary<string, string> { ["instanceId"] = instanceId }, ct))
        {
            var order = JsonSerializer.Deserialize<Order>(record.StateJson, Orders.Json)!;
            if (order.OrderType is null) return order;
        }

        return null;
    }

    /// <summary>Outbox handler body: a call of the order changed; the order reads the call and follows it. Idempotent.</summary>
    public async Task SyncCallAsync(SellerCallChangedMessage message, CancellationToken ct)
    {
        var call = await calls.FindAsync(message.CallId, ct);
        if (call is null)
        {
            logger.LogWarning("Order {OrderId} was told about call {CallId}, which does not exist", message.OrderId, message.CallId);
            return;
        }

        var result = await runner.ExecuteAsync(Orders, message.OrderId, Actor.Platform, (order, now) => OrderInstanceRules.SyncCall(order, call, now), ct);
        DomainException.ThrowIf(result.Error);
        if (call.Activity == SellerActivities.UpgradeInstance && call.IsTerminal && call.OrderId is { } upgradeOrderId)
        {
            var done = await runner.ExecuteAsync(Orders, upgradeOrderId, Actor.Platform,
                (upgrade, now) => OrderInstanceRules.CompleteUpgrade(upgrade, call.CallId, now), ct);
            DomainException.ThrowIf(done.Error);
        }
    }

    /// <summary>Creates an upgrade order (from the route, and again from the outbox: the second time changes nothing).</summary>
    public async Task<Order> PlaceUpgradeAsync(Order upgrade, CancellationToken ct)
    {
        var result = await runner.ExecuteAsync(Orders, upgrade.OrderId, Actor.Platform, (state, _) => OrderInstanceRules.PlaceUpgrade(state, upgrade), ct);
        DomainException.ThrowIf(result.Error);
        return result.State!;
    }

    private async Task CheckChangeAsync(Order order, Product target, DateTimeOffset expireTime, CancellationToken ct)
    {
        var seller = await sellers.FindAsync(order.SellerId, ct)
                     ?? throw new DomainException(DomainError.NotFound("seller.not-found", $"Seller {order.SellerId} does not exist."));
        var productInfo = new JsonObject
        {
            ["productId"] = target.ProductId,
            ["chargingMode"] = target.ChargingMode switch { ChargingMode.Period => "PERIOD", ChargingMode.OneTime => "ONE_TIME", _ => "ON_DEMAND" },
            ["expireTime"] = SellerRequest.FormatExpireTime(expireTime),
        };
        var request = SellerRequest.ChangeInstanceCheck(order.InstanceId!, productInfo);
        var key = seller.OutboundKey.AccessKey;
        var signed = SellerRequestSigner.Sign(request, new Uri(seller.ProductionUrl), key, nonces.NewNonce(), time.GetUtcNow().ToUnixTimeMilliseconds());
        var response = await transport.SendAsync(signed, callOptions.Value.Timeout, ct);
        var outcome = SellerResponseClassifier.Classify(request.Activity, response, key);
        logger.LogInformation("changeInstanceCheck for order {OrderId} (instance {InstanceId} to product {ProductId}): {Outcome} {Error}",
            order.OrderId, order.InstanceId, target.ProductId, outcome.Kind, outcome.Error);
        if (!outcome.IsSuccess)
            DomainException.ThrowIf(DomainError.Conflict("order.change-rejected",
                $"The seller did not allow the change to product {target.ProductId} (changeInstanceCheck: {outcome.Error ?? outcome.ResultCode}); nothing was renewed."));
    }

    private async Task<Order?> LoadAsync(string orderId, CancellationToken ct) => (await runner.LoadAsync(Orders, orderId, ct))?.State;

    /// <summary>The renewal, upgrade or unsubscribe order's id: from the request's identity when it has one, so a repeat changes nothing twice.</summary>
    private string NewOrderId(string? requestId) => CatalogueService.NewOrderId(time.GetUtcNow(), requestId);
}

/// <summary>A call of an order's instance ended, parked or restarted: the order follows.</summary>
public sealed class SellerCallChangedHandler(OrderInstanceService orders) : IOutboxHandler
{
    public string Topic => SellerCallService.OrderTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        orders.SyncCallAsync(item.Read<SellerCallChangedMessage>(), ct);
}

/// <summary>An upgrade was bought: its order exists (normally already created by the route).</summary>
public sealed class UpgradePlacedHandler(OrderInstanceService orders) : IOutboxHandler
{
    public string Topic => OrderInstanceRules.UpgradePlacedTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        orders.PlaceUpgradeAsync(item.Read<Order>(), ct);
}

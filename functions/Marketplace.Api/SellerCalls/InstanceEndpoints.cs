using Marketplace.Api.Idempotency;
using Marketplace.Api.Identity;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Api.SellerCalls;

/// <summary>The SaaS instance lifecycle of an order (§6.3): renewal, upgrade, unsubscribe, freeze and unfreeze.</summary>
public static class InstanceEndpoints
{
    public sealed record RenewalRequest(DateTimeOffset? ExpireTime, string? ProductId);
    public sealed record UpgradeRequest(string? ProductId);
    public sealed record InstanceStatusRequest(string? Status, string? Reason);

    public static IEndpointRouteBuilder MapInstanceRoutes(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api").WithTags("Catalogue and orders");

        orders.MapPost("/orders/{orderId}/renewal", async (string orderId, RenewalRequest body, HttpContext http, OrderInstanceService service, CancellationToken ct) =>
            CoreJsonResult.Accepted(await service.RenewAsync(orderId, http.Require(Role.Buyer), body.ExpireTime, body.ProductId, IdempotentRequest.IdOf(http), ct), $"/api/orders/{orderId}"))
            .WithSummary("Renew a SaaS instance until expireTime: queues refreshInstance RENEWAL (with productId: changeInstanceCheck first, then RENEWAL_CHANGE)");

        orders.MapPost("/orders/{orderId}/upgrade", async (string orderId, UpgradeRequest body, HttpContext http, OrderInstanceService service, CancellationToken ct) =>
        {
            var upgrade = await service.UpgradeAsync(orderId, http.Require(Role.Buyer), body.ProductId, IdempotentRequest.IdOf(http), ct);
            return CoreJsonResult.Created($"/api/orders/{upgrade.OrderId}", new
            {
                upgrade.OrderId, upgrade.OrderLineId, parentOrderId = upgrade.ParentOrderId, upgrade.InstanceId, upgrade.ProductId, upgrade.Status,
            });
        }).WithSummary("Upgrade a SaaS instance to another product of the seller: a new order; queues upgradeInstance with the same instanceId");

        orders.MapPost("/orders/{orderId}/unsubscribe", async (string orderId, HttpContext http, OrderInstanceService service, CancellationToken ct) =>
        {
            var order = await service.UnsubscribeAsync(orderId, http.Require(Role.Buyer), IdempotentRequest.IdOf(http), ct);
            return CoreJsonResult.Accepted(new { order.OrderId, order.InstanceId, order.Status }, $"/api/orders/{orderId}");
        }).WithSummary("Unsubscribe: the instance is released; queues releaseInstance with the unsubscribe order's ids");

        app.MapPost("/api/instances/{instanceId}/status", async (string instanceId, InstanceStatusRequest body, HttpContext http, OrderInstanceService service, CancellationToken ct) =>
        {
            var order = await service.ChangeStatusAsync(instanceId, http.Require(Role.Ops), body.Status, body.Reason, ct);
            return CoreJsonResult.Accepted(new { order.OrderId, order.InstanceId, order.Status }, $"/api/orders/{order.OrderId}");
        }).WithTags("Catalogue and orders").WithSummary("Ops freeze (FREEZE) or unfreeze (UNFREEZE) an instance: queues updateInstanceStatus");

        return app;
    }
}

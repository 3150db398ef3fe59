using Marketplace.Api.Idempotency;
using Marketplace.Api.Identity;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Licenses;
using Marketplace.Core.Supervision;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Api.Catalogue;

public static class CatalogueEndpoints
{
    public sealed record RegisterSellerRequest(string? Name, string? ProductionUrl, string? KitUrl);
    public sealed record CreateProductRequest(string? Name, string? DeliveryType, string? ChargingMode, string? UsageBilling);
    public sealed record ShippingRequest(string? Recipient, string? Phone, string? Address);
    public sealed record PlaceOrderRequest(string? ProductId, string? Scenario, int? PeriodMonths, ShippingRequest? Shipping);
    /// <summary>The placed order; <c>licenseId</c> names the license code of a License 2.0 order (GET /api/licenses/{licenseId}).</summary>
    public sealed record OrderCreated(string OrderId, string OrderLineId, string? CaseId, string? InstanceId, string? LicenseId);
    public sealed record ProductCreatedResponse(string ProductId);

    public static IEndpointRouteBuilder MapCatalogue(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Catalogue and orders");

        group.MapPost("/sellers", async (RegisterSellerRequest body, HttpContext http, CatalogueService catalogue, CancellationToken ct) =>
        {
            var ops = http.Require(Role.Ops);
            var created = await catalogue.RegisterSellerAsync(ops, body.Name, body.ProductionUrl, body.KitUrl, ct);
            return Results.Created($"/api/sellers/{created.SellerId}", created);
        }).WithSummary("Register a seller (ops); the keys are shown once");

        group.MapPost("/products", async (CreateProductRequest body, HttpContext http, CatalogueService catalogue, CancellationToken ct) =>
        {
            var seller = http.Require(Role.Seller);
            var product = await catalogue.CreateProductAsync(seller, body.Name, body.DeliveryType, body.ChargingMode, body.UsageBilling, ct);
            return Results.Created($"/api/products/{product.ProductId}", new ProductCreatedResponse(product.ProductId));
        }).WithSummary("Create a product (seller)");

        group.MapGet("/products/{productId}", async (string productId, HttpContext http, CatalogueService catalogue, CancellationToken ct) =>
        {
            http.Require(Role.Buyer, Role.Seller, Role.Ops, Role.Reviewer);
            return Results.Ok(await catalogue.GetProductAsync(productId, ct));
        }).WithSummary("A product");

        group.MapPost("/orders", async (PlaceOrderRequest body, HttpContext http, CatalogueService catalogue, CancellationToken ct) =>
        {
            var buyer = http.Require(Role.Buyer);
            var shipping = body.Shipping is { } s ? new Shipping(s.Recipient ?? "", s.Phone ?? "", s.Address ?? "") : null;
            var order = await catalogue.PlaceOrderAsync(buyer, body.ProductId, body.Scenario, body.PeriodMonths, shipping, IdempotentRequest.IdOf(http), ct);
            var licenseId = order.Flow == FlowVariant.License2 ? LicenseRules.IdFor(order.OrderId) : null;
            return Results.Created($"/api/orders/{order.OrderId}", new OrderCreated(order.OrderId, order.OrderLineId, order.CaseId, order.InstanceId, licenseId));
        }).WithSummary("Place an order (buyer), taken as paid: opens the supervision case or queues newInstance");

        group.MapGet("/orders/{orderId}", async (string orderId, HttpContext http, CatalogueService catalogue, CancellationToken ct) =>
        {
            var actor = http.Require(Role.Buyer, Role.Seller, Role.Ops);
            return Results.Ok(await catalogue.GetOrderAsync(orderId, actor, ct));
        }).WithSummary("An order with its status, case or instance");

        return app;
    }
}

using Marketplace.Api.Identity;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.DialTests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Api.SellerCalls;

/// <summary>Conformance runs and dial tests (§7.6), and ops freezing a product.</summary>
public static class ConformanceEndpoints
{
    public sealed record FreezeRequest(string? Reason);

    public static IEndpointRouteBuilder MapConformanceRoutes(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/api/products/{productId}").WithTags("Dial tests");

        products.MapPost("/conformance-runs", async (string productId, HttpContext http, ConformanceService service, CancellationToken ct) =>
        {
            var run = await service.StartAsync(productId, http.Require(Role.Seller), ct);
            return CoreJsonResult.Accepted(run, $"/api/products/{productId}/conformance-runs/{run.RunId}");
        }).WithSummary("Start a conformance run (seller): the debug cases (testFlag 1, mock orders) of every activity the product needs");

        products.MapGet("/conformance-runs", async (string productId, HttpContext http, ConformanceService service, CancellationToken ct) =>
            CoreJsonResult.Ok(new { productId, items = await service.ListAsync(productId, http.Require(Role.Seller, Role.Ops), ct) }))
            .WithSummary("A product's conformance runs, newest first");

        products.MapGet("/conformance-runs/{runId}", async (string productId, string runId, HttpContext http, ConformanceService service, CancellationToken ct) =>
            CoreJsonResult.Ok(await service.GetAsync(productId, runId, http.Require(Role.Seller, Role.Ops), ct)))
            .WithSummary("A conformance run's report: status (running, passed, failed) and each case with its result code");

        products.MapGet("/dial-tests", async (string productId, HttpContext http, ConformanceService service, CatalogueService catalogue, CancellationToken ct) =>
        {
            var actor = http.Require(Role.Seller, Role.Ops);
            var product = await catalogue.GetProductAsync(productId, ct);
            if (actor.Role == Role.Seller && product.SellerId != actor.Id)
                throw new DomainException(DomainError.NotFound("product.not-found", $"Product {productId} does not exist."));
            var record = await service.GetRecordAsync(productId, ct);
            return CoreJsonResult.Ok(new { productId, product.Frozen, product.FrozenReason, days = record?.Days ?? [], consecutiveFailedDays = record?.ConsecutiveFailedDays ?? 0 });
        }).WithSummary("The product's scheduled dial-test days and its run of failed days");

        products.MapPost("/freeze", async (string productId, FreezeRequest? body, HttpContext http, ProductStatusService service, TimeProvider time, CancellationToken ct) =>
            CoreJsonResult.Ok(await service.FreezeAsync(productId, http.Require(Role.Ops), body?.Reason, time.GetUtcNow(), ct)))
            .WithTags("Catalogue and orders").WithSummary("Ops freeze a product: no new orders (409 product.frozen), no dial tests");

        products.MapPost("/unfreeze", async (string productId, HttpContext http, ProductStatusService service, CancellationToken ct) =>
            CoreJsonResult.Ok(await service.UnfreezeAsync(productId, http.Require(Role.Ops), ct)))
            .WithTags("Catalogue and orders").WithSummary("Ops unfreeze a product");

        return app;
    }
}

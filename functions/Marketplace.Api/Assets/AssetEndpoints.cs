using Marketplace.Api.Identity;
using Marketplace.Api.Limits;
using Marketplace.Core.Assets;
using Marketplace.Core.Common;
using Marketplace.Core.Supervision;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Marketplace.Api.Assets;

public sealed record ReferenceAssetsRequest(List<string>? AssetIds);

/// <summary>The asset center (§6.7, §9): uploads, scan status, modify, delete, download; products reference approved assets.</summary>
public static class AssetEndpoints
{
    private const string Tag = "Asset center";

    public static IEndpointRouteBuilder MapAssets(this IEndpointRouteBuilder app)
    {
        var assets = app.MapGroup("/api/assets").WithTags(Tag);

        assets.MapPut("/{fileName}", async (string fileName, string? type, string? name, string? description, string? dataInfo,
            HttpRequest request, HttpContext http, AssetCenter service, CancellationToken ct) =>
        {
            var seller = http.Require(Role.Seller);
            LiftBodyLimit(http);
            var view = await service.UploadAsync(seller, SupervisionCases.ValidateFileName(fileName), type, name, description, dataInfo, request.ContentLength, request.Body, ct);
            return Results.Created($"/api/assets/{view.AssetId}", view);
        }).BinaryBody().WithOwnBodyLimit().Produces<AssetView>(StatusCodes.Status201Created)
          .WithSummary("Seller adds an asset: raw bytes streamed to Blob storage; type=softwarePackage (.zip, .tar, .tar.gz) or dataFile (.xlsx ≤ 10M, checked at once); the scan follows");

        assets.MapGet("", async (string? status, HttpContext http, AssetCenter service, CancellationToken ct) =>
        {
            var actor = http.Require(Role.Seller, Role.Ops, Role.Reviewer);
            if (status is not null && !Enum.TryParse<AssetStatus>(status, out _))
                throw new DomainException(DomainError.BadRequest("validation.failed", $"Unknown status '{status}'; use one of {string.Join(", ", Enum.GetNames<AssetStatus>())}."));
            var items = new List<AssetSummary>();
            await foreach (var a in service.ListAsync(actor, status, ct)) items.Add(a);
            return Results.Ok(items.OrderByDescending(a => a.StatusEnteredAt).ToList());
        }).Produces<List<AssetSummary>>().WithSummary("The seller's assets (ops, reviewers: all), latest change first; filter by status");

        assets.MapGet("/{assetId}", async (string assetId, HttpContext http, AssetCenter service, CancellationToken ct) =>
            Results.Ok(await service.GetAsync(assetId, http.Require(Role.Seller, Role.Ops, Role.Reviewer), ct)))
            .Produces<AssetView>().WithSummary("An asset: status, current file, scan findings (errors joined by \";\"), versions, timeline");

        assets.MapPut("/{assetId}/file/{fileName}", async (string assetId, string fileName, string? name, string? description, string? dataInfo,
            HttpRequest request, HttpContext http, AssetCenter service, CancellationToken ct) =>
        {
            var seller = http.Require(Role.Seller);
            LiftBodyLimit(http);
            return Results.Ok(await service.ModifyAsync(seller, assetId, SupervisionCases.ValidateFileName(fileName), name, description, dataInfo,
                request.ContentLength, request.Body, ct));
        }).BinaryBody().WithOwnBodyLimit().Produces<AssetView>()
          .WithSummary("Seller modifies an asset: a new version of its file, checked and scanned like the first");

        assets.MapDelete("/{assetId}", async (string assetId, HttpContext http, AssetCenter service, CancellationToken ct) =>
        {
            await service.DeleteAsync(assetId, http.Require(Role.Seller, Role.Ops), ct);
            return Results.NoContent();
        }).WithSummary("Seller deletes an asset (409 asset.in-use while a product references it); its files are removed");

        assets.MapGet("/{assetId}/file", async (string assetId, int? version, HttpContext http, AssetCenter service, CancellationToken ct) =>
        {
            var (file, download) = await service.OpenFileAsync(assetId, version, http.Require(Role.Seller, Role.Ops, Role.Reviewer), ct);
            http.Response.RegisterForDisposeAsync(download);
            var tag = EntityTagHeaderValue.TryParse(download.ETag, out var parsed) ? parsed : new EntityTagHeaderValue($"\"{download.ETag.Trim('"')}\"");
            return Results.Stream(download.Content, download.ContentType, file.FileName, entityTag: tag, enableRangeProcessing: false);
        }).WithSummary("Download the asset's current file (or ?version=n)");

        var products = app.MapGroup("/api/products/{productId}/assets").WithTags(Tag);

        products.MapPost("", async (string productId, ReferenceAssetsRequest body, HttpContext http, AssetCenter service, CancellationToken ct) =>
            Results.Ok(await service.ReferenceAsync(http.Require(Role.Seller), productId, body.AssetIds, ct)))
            .Produces<List<AssetSummary>>().WithSummary("Seller lets a product reference assets; only approved assets (409 asset.not-approved)");

        products.MapGet("", async (string productId, HttpContext http, AssetCenter service, CancellationToken ct) =>
        {
            http.Require(Role.Buyer, Role.Seller, Role.Ops, Role.Reviewer);
            return Results.Ok(await service.ProductAssetsAsync(productId, ct));
        }).Produces<List<AssetSummary>>().WithSummary("The assets a product references");

        products.MapDelete("/{assetId}", async (string productId, string assetId, HttpContext http, AssetCenter service, CancellationToken ct) =>
        {
            await service.UnreferenceAsync(http.Require(Role.Seller), productId, assetId, ct);
            return Results.NoContent();
        }).WithSummary("Seller removes an asset from a product");

        return app;
    }

    /// <summary>
    /// Documents the raw-bytes body in the OpenAPI document without restricting the request's content type (an
    /// Accepts filter would answer 415 to a client that labels a zip as application/zip).
    /// </summary>
    private static RouteHandlerBuilder BinaryBody(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The file's raw bytes (any content type; the format is taken from the file name).",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                },
            };
            return Task.CompletedTask;
        });

    /// <summary>The asset center enforces its own limits while streaming (with the seed's message); the server's default cap would cut in first.</summary>
    private static void LiftBodyLimit(HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
    }
}

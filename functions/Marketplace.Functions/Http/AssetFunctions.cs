using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// The asset center: uploads, versions, deletion, downloads and the assets a product references.
/// One function per server route, each handing the request to the server's own endpoint through <see cref="ApiHttp"/>.
/// Uploads above the Functions host's request size limit need <c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c> raised.
/// </summary>
public sealed class AssetFunctions(ApiHttp api)
{
    /// <summary><c>PUT /api/assets/{fileName}</c> (seller: raw bytes, streamed; type=softwarePackage|dataFile).</summary>
    [Function("UploadAsset")]
    public Task<IActionResult> UploadAsset([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "assets/{fileName}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/assets</c> (seller (own), ops, reviewer).</summary>
    [Function("ListAssets")]
    public Task<IActionResult> ListAssets([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/assets/{assetId}</c> (seller (own), ops, reviewer).</summary>
    [Function("GetAsset")]
    public Task<IActionResult> GetAsset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{assetId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>PUT /api/assets/{assetId}/file/{fileName}</c> (seller (own): a new version, raw bytes).</summary>
    [Function("ModifyAsset")]
    public Task<IActionResult> ModifyAsset([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "assets/{assetId}/file/{fileName}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>DELETE /api/assets/{assetId}</c> (seller (own), ops).</summary>
    [Function("DeleteAsset")]
    public Task<IActionResult> DeleteAsset([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "assets/{assetId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/assets/{assetId}/file</c> (seller (own), ops, reviewer).</summary>
    [Function("DownloadAsset")]
    public Task<IActionResult> DownloadAsset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{assetId}/file")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/products/{productId}/assets</c> (seller (own): approved assets only).</summary>
    [Function("ReferenceProductAssets")]
    public Task<IActionResult> ReferenceProductAssets([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{productId}/assets")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/products/{productId}/assets</c> (buyer, seller, ops, reviewer).</summary>
    [Function("ListProductAssets")]
    public Task<IActionResult> ListProductAssets([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/{productId}/assets")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>DELETE /api/products/{productId}/assets/{assetId}</c> (seller (own)).</summary>
    [Function("UnreferenceProductAsset")]
    public Task<IActionResult> UnreferenceProductAsset([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "products/{productId}/assets/{assetId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// Conformance runs and dial tests of a product; freezing and unfreezing it.
/// One function per server route, each handing the request to the server's own endpoint through <see cref="ApiHttp"/>.
/// </summary>
public sealed class ProductFunctions(ApiHttp api)
{
    /// <summary><c>POST /api/products/{productId}/conformance-runs</c> (seller (own)).</summary>
    [Function("StartConformanceRun")]
    public Task<IActionResult> StartConformanceRun([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{productId}/conformance-runs")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/products/{productId}/conformance-runs</c> (seller (own), ops).</summary>
    [Function("ListConformanceRuns")]
    public Task<IActionResult> ListConformanceRuns([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/{productId}/conformance-runs")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/products/{productId}/conformance-runs/{runId}</c> (seller (own), ops).</summary>
    [Function("GetConformanceRun")]
    public Task<IActionResult> GetConformanceRun([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/{productId}/conformance-runs/{runId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/products/{productId}/dial-tests</c> (seller (own), ops).</summary>
    [Function("GetDialTests")]
    public Task<IActionResult> GetDialTests([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/{productId}/dial-tests")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/products/{productId}/freeze</c> (ops).</summary>
    [Function("FreezeProduct")]
    public Task<IActionResult> FreezeProduct([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{productId}/freeze")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/products/{productId}/unfreeze</c> (ops).</summary>
    [Function("UnfreezeProduct")]
    public Task<IActionResult> UnfreezeProduct([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{productId}/unfreeze")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

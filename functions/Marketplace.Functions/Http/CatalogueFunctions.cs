using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// Sellers, products and orders.
/// One function per server route (same method, same path under the <c>api</c> route prefix), each handing the
/// request to the server's own endpoint through <see cref="ApiHttp"/>. FunctionAppManifestTests checks the list
/// against the server's routes.
/// </summary>
public sealed class CatalogueFunctions(ApiHttp api)
{
    /// <summary><c>POST /api/sellers</c> (ops).</summary>
    [Function("RegisterSeller")]
    public Task<IActionResult> RegisterSeller([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sellers")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/products</c> (seller).</summary>
    [Function("CreateProduct")]
    public Task<IActionResult> CreateProduct([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/products/{productId}</c> (seller).</summary>
    [Function("GetProduct")]
    public Task<IActionResult> GetProduct([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/{productId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/orders</c> (buyer).</summary>
    [Function("PlaceOrder")]
    public Task<IActionResult> PlaceOrder([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/orders/{orderId}</c> (buyer).</summary>
    [Function("GetOrder")]
    public Task<IActionResult> GetOrder([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders/{orderId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// Federated (联营) enterprise binding and its Kit sync calls.
/// One function per server route, each handing the request to the server's own endpoint through <see cref="ApiHttp"/>.
/// </summary>
public sealed class KitFunctions(ApiHttp api)
{
    /// <summary><c>PUT /api/sellers/{sellerId}/kit-public-key</c> (seller (self)).</summary>
    [Function("RegisterKitPublicKey")]
    public Task<IActionResult> RegisterKitPublicKey([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "sellers/{sellerId}/kit-public-key")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/orders/{orderId}/enterprise</c> (buyer).</summary>
    [Function("BindEnterprise")]
    public Task<IActionResult> BindEnterprise([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{orderId}/enterprise")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/enterprise/{bindingId}</c> (buyer, ops).</summary>
    [Function("GetEnterprise")]
    public Task<IActionResult> GetEnterprise([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enterprise/{bindingId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/enterprise/{bindingId}/departments</c> (buyer).</summary>
    [Function("AddDepartment")]
    public Task<IActionResult> AddDepartment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enterprise/{bindingId}/departments")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>PUT /api/enterprise/{bindingId}/departments/{orgCode}</c> (buyer).</summary>
    [Function("EditDepartment")]
    public Task<IActionResult> EditDepartment([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "enterprise/{bindingId}/departments/{orgCode}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>DELETE /api/enterprise/{bindingId}/departments/{orgCode}</c> (buyer).</summary>
    [Function("DeleteDepartment")]
    public Task<IActionResult> DeleteDepartment([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "enterprise/{bindingId}/departments/{orgCode}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/enterprise/{bindingId}/users</c> (buyer).</summary>
    [Function("AuthorizeUsers")]
    public Task<IActionResult> AuthorizeUsers([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enterprise/{bindingId}/users")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>PUT /api/enterprise/{bindingId}/users</c> (buyer).</summary>
    [Function("ModifyUsers")]
    public Task<IActionResult> ModifyUsers([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "enterprise/{bindingId}/users")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/enterprise/{bindingId}/users/revoke</c> (buyer).</summary>
    [Function("RevokeUsers")]
    public Task<IActionResult> RevokeUsers([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enterprise/{bindingId}/users/revoke")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/enterprise/{bindingId}/users/delete</c> (buyer).</summary>
    [Function("DeleteUsers")]
    public Task<IActionResult> DeleteUsers([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enterprise/{bindingId}/users/delete")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/enterprise/{bindingId}/calls/{callId}/retry</c> (buyer, ops).</summary>
    [Function("RetryKitCall")]
    public Task<IActionResult> RetryKitCall([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enterprise/{bindingId}/calls/{callId}/retry")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

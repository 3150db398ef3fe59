using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// Seller key rotation: issue, list, activate.
/// One function per server route, each handing the request to the server's own endpoint through <see cref="ApiHttp"/>.
/// </summary>
public sealed class SellerKeyFunctions(ApiHttp api)
{
    /// <summary><c>GET /api/sellers/{sellerId}/keys</c> (seller (self)).</summary>
    [Function("ListSellerKeys")]
    public Task<IActionResult> ListSellerKeys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sellers/{sellerId}/keys")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/sellers/{sellerId}/keys</c> (seller (self)).</summary>
    [Function("IssueSellerKeys")]
    public Task<IActionResult> IssueSellerKeys([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sellers/{sellerId}/keys")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/sellers/{sellerId}/keys/{keyId}/activation</c> (seller (self)).</summary>
    [Function("ActivateSellerKey")]
    public Task<IActionResult> ActivateSellerKey([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sellers/{sellerId}/keys/{keyId}/activation")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// Routes called by sellers' servers, authenticated by HMAC (signature, ts, nonce).
/// One function per server route, each handing the request to the server's own endpoint through <see cref="ApiHttp"/>.
/// </summary>
public sealed class SellerServerFunctions(ApiHttp api)
{
    /// <summary><c>GET /api/mkp-openapi-public/global/v1/order/query</c> (seller server (HMAC)).</summary>
    [Function("QueryOrderForSeller")]
    public Task<IActionResult> QueryOrderForSeller([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "mkp-openapi-public/global/v1/order/query")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/mkp-openapi-public/global/v1/license/activate</c> (seller server (HMAC)).</summary>
    [Function("ActivateLicenseCode")]
    public Task<IActionResult> ActivateLicenseCode([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "mkp-openapi-public/global/v1/license/activate")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// Production interface messages: the seller's calls, their attempts, retry and manual delivery; the seller's notifications.
/// One function per server route, each handing the request to the server's own endpoint through <see cref="ApiHttp"/>.
/// </summary>
public sealed class SellerCallFunctions(ApiHttp api)
{
    /// <summary><c>GET /api/seller/calls</c> (seller (own), ops).</summary>
    [Function("ListSellerCalls")]
    public Task<IActionResult> ListSellerCalls([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "seller/calls")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/seller/calls/{callId}</c> (seller (own), ops).</summary>
    [Function("GetSellerCall")]
    public Task<IActionResult> GetSellerCall([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "seller/calls/{callId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/seller/calls/{callId}/retry</c> (seller (own)).</summary>
    [Function("RetrySellerCall")]
    public Task<IActionResult> RetrySellerCall([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "seller/calls/{callId}/retry")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/seller/calls/{callId}/manual-delivery</c> (seller (own)).</summary>
    [Function("DeliverSellerCallManually")]
    public Task<IActionResult> DeliverSellerCallManually([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "seller/calls/{callId}/manual-delivery")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/seller/notifications</c> (seller).</summary>
    [Function("ListSellerNotifications")]
    public Task<IActionResult> ListSellerNotifications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "seller/notifications")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

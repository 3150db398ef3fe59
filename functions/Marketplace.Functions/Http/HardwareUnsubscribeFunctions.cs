using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// Hardware unsubscribe: the buyer's application, the seller's review and inspection, the return shipment, the quota.
/// One function per server route, each handing the request to the server's own endpoint through <see cref="ApiHttp"/>.
/// </summary>
public sealed class HardwareUnsubscribeFunctions(ApiHttp api)
{
    /// <summary><c>POST /api/orders/{orderId}/unsubscriptions</c> (buyer: hardware order).</summary>
    [Function("ApplyUnsubscription")]
    public Task<IActionResult> ApplyUnsubscription([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{orderId}/unsubscriptions")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/unsubscriptions</c> (buyer (own), seller (own), ops).</summary>
    [Function("ListUnsubscriptions")]
    public Task<IActionResult> ListUnsubscriptions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "unsubscriptions")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/unsubscriptions/quota</c> (buyer).</summary>
    [Function("GetUnsubscribeQuota")]
    public Task<IActionResult> GetUnsubscribeQuota([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "unsubscriptions/quota")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/unsubscriptions/{unsubscriptionId}</c> (buyer (own), seller (own), ops).</summary>
    [Function("GetUnsubscription")]
    public Task<IActionResult> GetUnsubscription([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "unsubscriptions/{unsubscriptionId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/unsubscriptions/{unsubscriptionId}/review</c> (seller (own)).</summary>
    [Function("ReviewUnsubscription")]
    public Task<IActionResult> ReviewUnsubscription([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "unsubscriptions/{unsubscriptionId}/review")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/unsubscriptions/{unsubscriptionId}/return-shipment</c> (buyer (own)).</summary>
    [Function("EnterReturnShipment")]
    public Task<IActionResult> EnterReturnShipment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "unsubscriptions/{unsubscriptionId}/return-shipment")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/unsubscriptions/{unsubscriptionId}/inspection</c> (seller (own)).</summary>
    [Function("InspectReturn")]
    public Task<IActionResult> InspectReturn([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "unsubscriptions/{unsubscriptionId}/inspection")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/unsubscriptions/{unsubscriptionId}/withdrawal</c> (buyer (own)).</summary>
    [Function("WithdrawUnsubscription")]
    public Task<IActionResult> WithdrawUnsubscription([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "unsubscriptions/{unsubscriptionId}/withdrawal")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

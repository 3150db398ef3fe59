using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// The SaaS instance lifecycle driven by orders: renewal, upgrade, unsubscribe, freeze and unfreeze.
/// One function per server route, each handing the request to the server's own endpoint through <see cref="ApiHttp"/>.
/// </summary>
public sealed class InstanceFunctions(ApiHttp api)
{
    /// <summary><c>POST /api/orders/{orderId}/renewal</c> (buyer).</summary>
    [Function("RenewOrder")]
    public Task<IActionResult> RenewOrder([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{orderId}/renewal")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/orders/{orderId}/upgrade</c> (buyer).</summary>
    [Function("UpgradeOrder")]
    public Task<IActionResult> UpgradeOrder([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{orderId}/upgrade")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/orders/{orderId}/unsubscribe</c> (buyer).</summary>
    [Function("UnsubscribeOrder")]
    public Task<IActionResult> UnsubscribeOrder([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{orderId}/unsubscribe")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/instances/{instanceId}/status</c> (ops).</summary>
    [Function("SetInstanceStatus")]
    public Task<IActionResult> SetInstanceStatus([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "instances/{instanceId}/status")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

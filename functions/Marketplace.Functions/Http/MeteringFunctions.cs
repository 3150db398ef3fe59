using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// Usage push, bills and bill runs.
/// One function per server route, each handing the request to the server's own endpoint through <see cref="ApiHttp"/>.
/// </summary>
public sealed class MeteringFunctions(ApiHttp api)
{
    /// <summary><c>POST /api/mkp-openapi-public/global/v1/isv/usage-data</c> (seller server (HMAC)).</summary>
    [Function("PushUsage")]
    public Task<IActionResult> PushUsage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "mkp-openapi-public/global/v1/isv/usage-data")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/bills</c> (seller (own), buyer (own), ops).</summary>
    [Function("ListBills")]
    public Task<IActionResult> ListBills([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bills")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/bills/{billId}</c> (seller (own), buyer (own), ops).</summary>
    [Function("GetBill")]
    public Task<IActionResult> GetBill([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bills/{billId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/bills/{billId}/records</c> (seller (own), buyer (own), ops).</summary>
    [Function("GetBillRecords")]
    public Task<IActionResult> GetBillRecords([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bills/{billId}/records")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/ops/bill-runs</c> (ops).</summary>
    [Function("RunBills")]
    public Task<IActionResult> RunBills([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "ops/bill-runs")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/ops/bill-runs/{granularity}</c> (ops).</summary>
    [Function("GetBillRunStatus")]
    public Task<IActionResult> GetBillRunStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ops/bill-runs/{granularity}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/dev/metered-instances</c> (Development only, ops).</summary>
    [Function("RegisterMeteredInstance")]
    public Task<IActionResult> RegisterMeteredInstance([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "dev/metered-instances")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

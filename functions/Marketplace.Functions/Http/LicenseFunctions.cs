using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// License 2.0 codes: the parties' reads and the actions that queue refreshLicenseCode, updateLicenseCodeStatus and
/// releaseLicenseCode (the activation by sellers' servers is in <see cref="SellerServerFunctions"/>).
/// One function per server route, each handing the request to the server's own endpoint through <see cref="ApiHttp"/>.
/// </summary>
public sealed class LicenseFunctions(ApiHttp api)
{
    /// <summary><c>GET /api/licenses</c> (buyer (own), seller (own), ops).</summary>
    [Function("ListLicenseCodes")]
    public Task<IActionResult> ListLicenseCodes([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "licenses")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/licenses/{licenseId}</c> (buyer (own), seller (own), ops).</summary>
    [Function("GetLicenseCode")]
    public Task<IActionResult> GetLicenseCode([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "licenses/{licenseId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/licenses/{licenseId}/renewal</c> (buyer (own)).</summary>
    [Function("RenewLicenseCode")]
    public Task<IActionResult> RenewLicenseCode([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licenses/{licenseId}/renewal")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/licenses/{licenseId}/status</c> (ops).</summary>
    [Function("ChangeLicenseCodeStatus")]
    public Task<IActionResult> ChangeLicenseCodeStatus([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licenses/{licenseId}/status")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/licenses/{licenseId}/release</c> (buyer (own), ops).</summary>
    [Function("ReleaseLicenseCode")]
    public Task<IActionResult> ReleaseLicenseCode([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licenses/{licenseId}/release")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

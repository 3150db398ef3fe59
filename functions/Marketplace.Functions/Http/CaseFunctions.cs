using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// Service-supervision cases and appeals.
/// One function per server route (same method, same path under the <c>api</c> route prefix), each handing the
/// request to the server's own endpoint through <see cref="ApiHttp"/>. FunctionAppManifestTests checks the list
/// against the server's routes.
/// </summary>
public sealed class CaseFunctions(ApiHttp api)
{
    /// <summary><c>GET /api/cases</c> (parties, ops, reviewer).</summary>
    [Function("ListCases")]
    public Task<IActionResult> ListCases([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/cases/{caseId}</c> (parties, ops, reviewer).</summary>
    [Function("GetCase")]
    public Task<IActionResult> GetCase([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases/{caseId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/cases/{caseId}/requirement</c> (buyer).</summary>
    [Function("SubmitRequirement")]
    public Task<IActionResult> SubmitRequirement([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/requirement")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/cases/{caseId}/requirement/decision</c> (seller).</summary>
    [Function("DecideRequirement")]
    public Task<IActionResult> DecideRequirement([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/requirement/decision")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>PUT /api/cases/{caseId}/reports/{fileName}</c> (seller: raw bytes, streamed).</summary>
    [Function("UploadReport")]
    public Task<IActionResult> UploadReport([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "cases/{caseId}/reports/{fileName}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/cases/{caseId}/reports/{reportId}</c> (parties, ops, reviewer).</summary>
    [Function("DownloadReport")]
    public Task<IActionResult> DownloadReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases/{caseId}/reports/{reportId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/cases/{caseId}/delivery</c> (seller).</summary>
    [Function("Deliver")]
    public Task<IActionResult> Deliver([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/delivery")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/cases/{caseId}/review</c> (reviewer).</summary>
    [Function("Review")]
    public Task<IActionResult> Review([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/review")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/cases/{caseId}/acceptance</c> (buyer).</summary>
    [Function("DecideAcceptance")]
    public Task<IActionResult> DecideAcceptance([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/acceptance")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/cases/{caseId}/proof</c> (seller).</summary>
    [Function("SubmitProof")]
    public Task<IActionResult> SubmitProof([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/proof")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/cases/{caseId}/deployment</c> (seller).</summary>
    [Function("FinishDeployment")]
    public Task<IActionResult> FinishDeployment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/deployment")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/cases/{caseId}/courier-sign-off</c> (ops).</summary>
    [Function("RecordCourierSignOff")]
    public Task<IActionResult> RecordCourierSignOff([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/courier-sign-off")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/cases/{caseId}/license-activation</c> (ops).</summary>
    [Function("RecordLicenseActivation")]
    public Task<IActionResult> RecordLicenseActivation([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/license-activation")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>PUT /api/cases/{caseId}/evidence/{fileName}</c> (buyer, seller: raw bytes, streamed).</summary>
    [Function("UploadEvidence")]
    public Task<IActionResult> UploadEvidence([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "cases/{caseId}/evidence/{fileName}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/cases/{caseId}/evidence/{evidenceId}</c> (buyer, seller).</summary>
    [Function("DownloadEvidence")]
    public Task<IActionResult> DownloadEvidence([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases/{caseId}/evidence/{evidenceId}")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/cases/{caseId}/appeals</c> (buyer, seller).</summary>
    [Function("Appeal")]
    public Task<IActionResult> Appeal([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/appeals")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>GET /api/appeals</c> (ops).</summary>
    [Function("ListAppeals")]
    public Task<IActionResult> ListAppeals([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "appeals")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/appeals/{appealId}/resolution</c> (ops).</summary>
    [Function("ResolveAppeal")]
    public Task<IActionResult> ResolveAppeal([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "appeals/{appealId}/resolution")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

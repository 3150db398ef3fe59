using Marketplace.Api.Identity;
using Marketplace.Api.Limits;
using Marketplace.Core.Common;
using Marketplace.Core.Supervision;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Api.Cases;

/// <summary>Supervision cases: the parties' actions, reports, evidence, appeals and their resolution.</summary>
public static class CaseEndpoints
{
    public static IEndpointRouteBuilder MapCases(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/cases").WithTags("Supervision cases");

        cases.MapGet("", async (string? state, int? page, HttpContext http, SupervisionCases service, CancellationToken ct) =>
        {
            var actor = http.Require(Role.Buyer, Role.Seller, Role.Ops, Role.Reviewer);
            if (state is not null && !Enum.TryParse<CaseState>(state, out _))
                throw new DomainException(DomainError.BadRequest("validation.failed", $"Unknown state '{state}'."));
            const int pageSize = 50;
            var all = new List<CaseSummary>();
            await foreach (var c in service.ListAsync(actor, state, ct)) all.Add(c);
            var p = Math.Max(1, page ?? 1);
            var items = all.OrderByDescending(c => c.StateEnteredAt).Skip((p - 1) * pageSize).Take(pageSize).ToList();
            return Results.Ok(new { page = p, pageSize, total = all.Count, items });
        }).WithSummary("The caller's cases (ops and reviewers: all), newest state change first");

        cases.MapGet("/{caseId}", async (string caseId, HttpContext http, SupervisionCases service, CancellationToken ct) =>
            Results.Ok(await service.GetAsync(caseId, http.Require(Role.Buyer, Role.Seller, Role.Ops, Role.Reviewer), ct)))
            .WithSummary("A case with its appeal eligibility and timeline");

        cases.MapPost("/{caseId}/requirement", (string caseId, RequirementRequest body, HttpContext http, SupervisionCases service, CancellationToken ct) =>
            Act(service, caseId, new SubmitRequirement(http.Require(Role.Buyer), body.Text ?? "", body.AttachmentIds), ct))
            .WithSummary("Buyer submits the requirement");

        cases.MapPost("/{caseId}/requirement/decision", (string caseId, DecisionRequest body, HttpContext http, SupervisionCases service, CancellationToken ct) =>
            Act(service, caseId, new DecideRequirement(http.Require(Role.Seller), Words.Requirement(body.Decision), body.Reason), ct))
            .WithSummary("Seller confirms or returns the requirement");

        cases.MapPut("/{caseId}/reports/{fileName}", async (string caseId, string fileName, HttpRequest request, HttpContext http, SupervisionCases service, CancellationToken ct) =>
        {
            var actor = http.Require(Role.Seller);
            var stored = await service.UploadReportAsync(caseId, actor, SupervisionCases.ValidateFileName(fileName), request.ContentType, request.ContentLength, request.Body, ct);
            return Results.Created($"/api/cases/{caseId}/reports/{stored.Id}", new { reportId = stored.Id, stored.FileName, stored.Sha256, stored.Size, stored.ContentType });
        }).WithOwnBodyLimit().WithSummary("Seller uploads an acceptance report (raw bytes, streamed to Blob storage)");

        cases.MapGet("/{caseId}/reports/{reportId}", async (string caseId, string reportId, HttpContext http, SupervisionCases service, CancellationToken ct) =>
        {
            var (report, file) = await service.OpenReportAsync(caseId, reportId, http.Require(Role.Buyer, Role.Seller, Role.Ops, Role.Reviewer), ct);
            return Download(http, file.Content, file.ContentType, file.ETag, report.FileName, file);
        }).WithSummary("Download a report");

        cases.MapPost("/{caseId}/delivery", (string caseId, DeliveryRequest body, HttpContext http, SupervisionCases service, CancellationToken ct) =>
            Act(service, caseId, new SubmitDelivery(http.Require(Role.Seller), body.ReportIds, body.ActualStartTime,
                body.Logistics is { } l ? new Logistics(l.Carrier ?? "", l.TrackingNo ?? "", l.RecipientPhone) : null), ct))
            .WithSummary("Seller delivers: reports (hardware: logistics), optional actual start time");

        cases.MapPost("/{caseId}/review", (string caseId, DecisionRequest body, HttpContext http, SupervisionCases service, CancellationToken ct) =>
            Act(service, caseId, new Review(http.Require(Role.Reviewer), Words.Review(body.Decision), body.Reason), ct))
            .WithSummary("Platform reviewer approves or rejects (enablementCloud / baseCloud orders)");

        cases.MapPost("/{caseId}/acceptance", (string caseId, DecisionRequest body, HttpContext http, SupervisionCases service, CancellationToken ct) =>
            Act(service, caseId, new DecideAcceptance(http.Require(Role.Buyer), Words.Acceptance(body.Decision), body.Reason), ct))
            .WithSummary("Buyer accepts or rejects the delivery");

        cases.MapPost("/{caseId}/proof", (string caseId, ProofRequest body, HttpContext http, SupervisionCases service, CancellationToken ct) =>
            Act(service, caseId, new UploadProof(http.Require(Role.Seller), body.ReportIds), ct))
            .WithSummary("License 2.0: seller hands in the delivery proof after activation");

        cases.MapPost("/{caseId}/deployment", (string caseId, HttpContext http, SupervisionCases service, CancellationToken ct) =>
            Act(service, caseId, new CompleteDeployment(http.Require(Role.Seller)), ct))
            .WithSummary("License package: the seller reports a deployment done by hand as finished (the platform reports its own)");

        cases.MapPost("/{caseId}/courier-sign-off", (string caseId, SignOffRequest body, HttpContext http, SupervisionCases service, CancellationToken ct) =>
            Act(service, caseId, new RecordCourierSignOff(http.Require(Role.Ops), body.SignedAt ?? throw Missing("signedAt"), body.SignerPhone), ct))
            .WithSummary("Hardware: record the courier's sign-off (from tracking, or ops by hand)");

        cases.MapPost("/{caseId}/license-activation", (string caseId, ActivationRequest body, HttpContext http, SupervisionCases service, TimeProvider time, CancellationToken ct) =>
            Act(service, caseId, new ActivateLicense(http.Require(Role.Ops), body.ActivatedAt ?? time.GetUtcNow()), ct))
            .WithSummary("License 2.0: record the code's activation by hand (ops); sellers activate through the open API");

        cases.MapPut("/{caseId}/evidence/{fileName}", async (string caseId, string fileName, HttpRequest request, HttpContext http, SupervisionCases service, CancellationToken ct) =>
        {
            var actor = http.Require(Role.Buyer, Role.Seller);
            var stored = await service.UploadEvidenceAsync(caseId, actor, SupervisionCases.ValidateFileName(fileName), request.ContentType, request.ContentLength, request.Body, ct);
            return Results.Created($"/api/cases/{caseId}/evidence/{stored.Id}", new { evidenceId = stored.Id, stored.FileName, stored.Sha256, stored.Size, stored.ContentType });
        }).WithOwnBodyLimit().WithSummary("Buyer or seller uploads appeal evidence");

        cases.MapGet("/{caseId}/evidence/{evidenceId}", async (string caseId, string evidenceId, HttpContext http, SupervisionCases service, CancellationToken ct) =>
        {
            var (evidence, file) = await service.OpenEvidenceAsync(caseId, evidenceId, http.Require(Role.Buyer, Role.Seller, Role.Ops), ct);
            return Download(http, file.Content, file.ContentType, file.ETag, evidence.FileName, file);
        }).WithSummary("Download appeal evidence");

        cases.MapPost("/{caseId}/appeals", async (string caseId, AppealRequest body, HttpContext http, SupervisionCases service, CancellationToken ct) =>
        {
            var actor = http.Require(Role.Buyer, Role.Seller);
            var appealId = await service.NextAppealIdAsync(caseId, actor, ct);
            var view = await service.ActAsync(caseId, new OpenAppeal(actor, appealId, body.Reason ?? "", body.Demands, body.EvidenceIds), ct);
            return Results.Created($"/api/appeals/{appealId}", view.Appeal);
        }).WithSummary("Buyer or seller appeals; the case freezes. 409 appeal.not-eligible names the rule");

        var appeals = app.MapGroup("/api/appeals").WithTags("Supervision cases");

        appeals.MapGet("", async (string? status, HttpContext http, SupervisionCases service, CancellationToken ct) =>
        {
            http.Require(Role.Ops);
            if (status is not (null or "open"))
                throw new DomainException(DomainError.BadRequest("validation.failed", "status must be open."));
            return Results.Ok(await service.OpenAppealsAsync(ct));
        }).WithSummary("Open appeals, oldest first (ops)");

        appeals.MapPost("/{appealId}/resolution", (string appealId, ResolutionRequest body, HttpContext http, SupervisionCases service, CancellationToken ct) =>
        {
            var ops = http.Require(Role.Ops);
            var caseId = SupervisionCases.CaseIdOfAppeal(appealId)
                         ?? throw new DomainException(DomainError.NotFound("appeal.not-found", $"Appeal {appealId} does not exist."));
            return Act(service, caseId, new ResolveAppeal(ops, appealId, Words.Outcome(body.Outcome), body.Note ?? ""), ct);
        }).WithSummary("Ops resolves an appeal: resume, complete or close");

        return app;
    }

    private static async Task<IResult> Act(SupervisionCases service, string caseId, CaseCommand command, CancellationToken ct) =>
        Results.Ok(await service.ActAsync(caseId, command, ct));

    private static DomainException Missing(string field) => new(DomainError.Invalid("validation.failed", $"{field} is required."));

    private static IResult Download(HttpContext http, Stream content, string contentType, string etag, string fileName, IAsyncDisposable owner)
    {
        http.Response.RegisterForDisposeAsync(owner);
        var tag = EntityTagHeaderValue.TryParse(etag, out var parsed) ? parsed : new EntityTagHeaderValue($"\"{etag.Trim('"')}\"");
        return Results.Stream(content, contentType, fileName, entityTag: tag, enableRangeProcessing: false);
    }
}

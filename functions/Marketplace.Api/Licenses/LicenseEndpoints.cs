using System.Text;
using Marketplace.Api.Idempotency;
using Marketplace.Api.Identity;
using Marketplace.Api.Limits;
using Marketplace.Api.Problems;
using Marketplace.Api.SellerCalls;
using Marketplace.Core.Common;
using Marketplace.Core.Licenses;
using Marketplace.Core.SellerApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Api.Licenses;

public sealed record LicenseRenewalRequest(DateTimeOffset? ExpireTime, string? Scene);
public sealed record LicenseStatusRequest(string? Status, string? Reason);
public sealed record LicenseReleaseRequest(string? Reason);

/// <summary>
/// License 2.0 codes (§6.8, §10): the activation route of sellers' servers (HMAC, KooGallery's field names and result
/// codes), the parties' reads, and the actions that queue refreshLicenseCode, updateLicenseCodeStatus and releaseLicenseCode.
/// </summary>
public static class LicenseEndpoints
{
    public const string ActivatePath = "/api/mkp-openapi-public/global/v1/license/activate";
    private const string Tag = "License codes";

    public static IEndpointRouteBuilder MapLicenses(this IEndpointRouteBuilder app)
    {
        app.MapPost(ActivatePath, async (HttpContext http, LicenseCodes service, CancellationToken ct) =>
        {
            var h = http.Request.Headers;
            var request = new SellerSignedRequest(Header(h, "signature"), Header(h, "ts"), Header(h, "nonce"), await ReadBodyAsync(http.Request, ct));
            try
            {
                return CoreJsonResult.Ok(await service.ActivateAsync(request, ct));
            }
            catch (DomainException ex) when (LicenseOpenApiCodes.For(ex.Error.Code) is { } open)
            {
                // The refusals a KooGallery seller's software knows carry its error_code next to the problem's own code.
                return Problem.Result(ex.Error, new Dictionary<string, object?> { ["error_code"] = open.Code, ["error_msg"] = open.Message }, http.Request.Path);
            }
        })
        .SellerServerRoute()
        .WithOwnBodyLimit() // LicenseActivateRequest.MaxBodyBytes
        .WithSummary("Activate a License 2.0 code (KooGallery 激活授权码): body {\"license\" (or \"licenseCode\"),\"real_effect_time\"?}, headers ts, nonce, signature = base64(HMAC-SHA256(base key, \"ts={ts}&nonce={nonce}&body={body}\"))")
        .WithDescription("200 {error_code 92020000, error_msg, data.license_code_info}; a code activated before answers its first activation again. " +
                         "Refusals are problem+json with error_code: 400 validation.failed (92020002), " +
                         "409 license.not-received (92020004), 409 license.invalid-state / case.frozen / case.invalid-transition (92020003), " +
                         "422 validation.failed (92020002, real_effect_time outside order time..now); 401 auth.* (bad signature, another seller's code or an unknown one: 92020005 is never sent, so nobody learns which codes exist; stale ts, reused nonce) and 429 rate.limited change nothing.")
        .Produces<LicenseActivateResponse>();

        var group = app.MapGroup("/api/licenses").WithTags(Tag);

        group.MapGet("", async (string? orderId, string? status, HttpContext http, LicenseCodes service, CancellationToken ct) =>
        {
            var items = new List<LicenseSummary>();
            await foreach (var l in service.ListAsync(http.Require(Role.Buyer, Role.Seller, Role.Ops), orderId, status, ct)) items.Add(l);
            return Results.Ok(items.OrderByDescending(l => l.IssuedAt).ToList());
        }).Produces<List<LicenseSummary>>().WithSummary("The caller's license codes (buyer and seller: their own; ops: all), newest first; filters orderId, status");

        group.MapGet("/{licenseId}", async (string licenseId, HttpContext http, LicenseCodes service, CancellationToken ct) =>
            Results.Ok(await service.GetAsync(licenseId, http.Require(Role.Buyer, Role.Seller, Role.Ops), ct)))
            .Produces<LicenseView>().WithSummary("A license code (LC{orderId}) with its status, expiry, changes, queued calls and timeline");

        group.MapPost("/{licenseId}/renewal", async (string licenseId, LicenseRenewalRequest body, HttpContext http, LicenseCodes service, CancellationToken ct) =>
            Accepted(await service.RenewAsync(licenseId, http.Require(Role.Buyer), body.ExpireTime, body.Scene, IdempotentRequest.IdOf(http), ct)))
            .Produces<LicenseView>(StatusCodes.Status202Accepted)
            .WithSummary("Buyer renews the code until expireTime (scene RENEWAL; a frozen code is unfrozen) or unsubscribes a renewal period (UNSUBSCRIBE_RENEWAL_PERIOD, an earlier expireTime): queues refreshLicenseCode");

        group.MapPost("/{licenseId}/status", async (string licenseId, LicenseStatusRequest body, HttpContext http, LicenseCodes service, CancellationToken ct) =>
            Accepted(await service.ChangeStatusAsync(licenseId, http.Require(Role.Ops), body.Status, body.Reason, ct)))
            .Produces<LicenseView>(StatusCodes.Status202Accepted)
            .WithSummary("Ops freeze (FREEZE) or unfreeze (UNFREEZE) an activated code: queues updateLicenseCodeStatus");

        group.MapPost("/{licenseId}/release", async (string licenseId, LicenseReleaseRequest? body, HttpContext http, LicenseCodes service, CancellationToken ct) =>
            Accepted(await service.ReleaseAsync(licenseId, http.Require(Role.Buyer, Role.Ops), body?.Reason, IdempotentRequest.IdOf(http), ct)))
            .Produces<LicenseView>(StatusCodes.Status202Accepted)
            .WithSummary("Buyer unsubscribes (after the supervision completed; a new unsubscribe order) or ops release an activated code: queues releaseLicenseCode");

        return app;
    }

    private static IResult Accepted(LicenseView view) => Results.Accepted($"/api/licenses/{view.LicenseId}", view);

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    /// <summary>The raw body as sent (the signature covers these bytes), at most <see cref="LicenseActivateRequest.MaxBodyBytes"/>.</summary>
    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        const int max = LicenseActivateRequest.MaxBodyBytes;
        if (request.ContentLength > max) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);

        static DomainException TooLarge() =>
            new(new DomainError(ErrorKind.TooLarge, "request.too-large", $"The request body is larger than {max} bytes; send one license code."));
    }
}

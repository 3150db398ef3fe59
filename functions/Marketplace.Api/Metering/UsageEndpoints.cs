using System.Buffers;
using Marketplace.Api.Identity;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Metering;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Metering;

/// <summary>The usage push from sellers' servers (HMAC, KooGallery field names), bills, and bill runs.</summary>
public static class UsageEndpoints
{
    public const string UsagePushPath = "/api/mkp-openapi-public/global/v1/isv/usage-data";

    public sealed record BillRunRequest(string? Granularity);

    public sealed record BillRunResponse(
        BillingGranularity Granularity, int PeriodsSealed, DateTimeOffset? SealedThrough, int BillCount, IReadOnlyList<Bill> Bills);

    public sealed record BillRunStateResponse(
        BillingGranularity Granularity, DateTimeOffset? SealedThrough, DateTimeOffset? Cutoff, DateTimeOffset? RunningSince, DateTimeOffset? LastRunAt);

    public sealed record DevInstanceRequest(string? OrderId, string? InstanceId, string? Status);

    public static IEndpointRouteBuilder MapUsage(this IEndpointRouteBuilder app, IHostEnvironment env)
    {
        app.MapPost(UsagePushPath, async (HttpContext http, UsageIngest ingest, IOptions<MeteringOptions> options, CancellationToken ct) =>
        {
            var headers = http.Request.Headers;
            using var body = await PooledBody.ReadAsync(http.Request, options.Value.MaxPushBytes, ct);
            var response = await ingest.PushAsync(
                headers[UsagePushSignature.SignatureHeader].ToString(), headers[UsagePushSignature.TimestampHeader].ToString(),
                headers[UsagePushSignature.NonceHeader].ToString(), body.Memory, ct);
            return Results.Json(response);
        })
        .AllowAnonymous()
        .WithTags("Seller servers")
        .WithSummary("Usage push (KooGallery): up to 1000 records, signed with headers signature, ts and nonce (HMAC-SHA256 of the seller's access key)")
        .WithDescription("The seller is found from the records' instance ids. 200 lists accepted_count and abnormal_usage_data (codes 001-013); 401 auth.bad-signature, auth.stale-timestamp, auth.bad-nonce or auth.nonce-reused stores nothing; 413 above 1000 records or Billing:MaxPushBytes.")
        .Produces<UsagePushResponse>();

        var bills = app.MapGroup("/api/bills").WithTags("Bills");

        bills.MapGet("", async (string? instanceId, DateTimeOffset? from, DateTimeOffset? to, HttpContext http, UsageBills service, CancellationToken ct) =>
            Results.Ok(await service.ListAsync(http.Require(Role.Seller, Role.Buyer, Role.Ops), instanceId, from, to, ct)))
            .WithSummary("Sealed bills of an instance whose period starts in [from, to) (default: the last 31 days); its seller, its buyer, ops")
            .Produces<IReadOnlyList<Bill>>();

        bills.MapGet("/{billId}", async (string billId, HttpContext http, UsageBills service, CancellationToken ct) =>
            Results.Ok(await service.GetAsync(http.Require(Role.Seller, Role.Buyer, Role.Ops), billId, ct)))
            .WithSummary("One sealed bill")
            .Produces<Bill>();

        bills.MapGet("/{billId}/records", async (string billId, HttpContext http, UsageBills service, CancellationToken ct) =>
            Results.Ok(await service.RecordsAsync(http.Require(Role.Seller, Role.Buyer, Role.Ops), billId, ct)))
            .WithSummary("The records sealed into a bill, in the seal's order, re-hashed against the bill's SHA-256 (verified)")
            .Produces<BillRecordsView>();

        var runs = app.MapGroup("/api/ops/bill-runs").WithTags("Bills");

        runs.MapPost("", async (BillRunRequest body, HttpContext http, BillRunner runner, CancellationToken ct) =>
        {
            http.Require(Role.Ops);
            var outcome = await runner.RunAsync(ParseGranularity(body.Granularity), TimeSpan.FromSeconds(30), ct);
            var views = outcome.Bills.Select(b => b.Bill).ToList();
            return Results.Ok(new BillRunResponse(outcome.Granularity, outcome.Periods.Count, outcome.SealedThrough, views.Count, views));
        })
        .WithSummary("Run the hourly or daily collection now (ops): seals every closed period not yet sealed, as the timers do; a repeat seals nothing twice")
        .Produces<BillRunResponse>();

        runs.MapGet("/{granularity}", async (string granularity, HttpContext http, IBillLedger ledger, CancellationToken ct) =>
        {
            http.Require(Role.Ops);
            var state = await ledger.ReadRunStateAsync(ParseGranularity(granularity), ct);
            return Results.Ok(new BillRunStateResponse(state.Granularity, state.SealedThrough, state.Cutoff, state.RunningSince, state.LastRunAt));
        })
        .WithSummary("Where the hourly or daily runs stand: sealed through, last cutoff, a run under way (ops)")
        .Produces<BillRunStateResponse>();

        if (env.IsDevelopment())
        {
            // Until the instance lifecycle (seller calls) registers instances itself, tests and local runs register one here.
            app.MapPost("/api/dev/metered-instances", async (DevInstanceRequest body, HttpContext http, CatalogueService catalogue, MeteredInstances metered, CancellationToken ct) =>
            {
                http.Require(Role.Ops);
                if (string.IsNullOrWhiteSpace(body.OrderId))
                    throw new DomainException(DomainError.Invalid("validation.failed", "orderId is required."));
                var order = await catalogue.GetOrderAsync(body.OrderId, Actor.Platform, ct);
                var product = await catalogue.GetProductAsync(order.ProductId, ct);
                var status = Enum.TryParse<InstanceUsageStatus>(body.Status ?? "active", ignoreCase: true, out var s)
                    ? s
                    : throw new DomainException(DomainError.Invalid("validation.failed", "status must be creating, active, frozen, released or failed."));
                var instanceId = body.InstanceId ?? order.InstanceId ?? "INS" + CatalogueService.NewId(16);
                var instance = await metered.RegisterAsync(order, product, instanceId, status, ct);
                return Results.Created($"/api/dev/metered-instances/{instance.InstanceId}", instance);
            })
            .WithTags("Development")
            .WithSummary("Register the metered instance of an order (Development only; the instance lifecycle does it otherwise)");
        }

        return app;
    }

    private static BillingGranularity ParseGranularity(string? text) => text switch
    {
        "hour" => BillingGranularity.Hour,
        "day" => BillingGranularity.Day,
        _ => throw new DomainException(DomainError.BadRequest("validation.failed", "granularity must be hour or day.")),
    };

    /// <summary>
    /// The request body in one pooled buffer, read with a size cap: a body above the cap answers 413 without being kept, so
    /// a push costs at most the cap in memory, and the buffer goes back to the pool afterwards.
    /// </summary>
    private sealed class PooledBody : IDisposable
    {
        private byte[] _buffer;
        private int _length;

        private PooledBody(byte[] buffer) => _buffer = buffer;

        public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

        public static async Task<PooledBody> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
        {
            if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
            var initial = request.ContentLength is > 0 and var length ? (int)length + 1 : 16 * 1024;
            var body = new PooledBody(ArrayPool<byte>.Shared.Rent(Math.Min(initial, maxBytes + 1)));
            try
            {
                while (true)
                {
                    if (body._length == body._buffer.Length)
                    {
                        if (body._length > maxBytes) throw TooLarge(maxBytes);
                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(body._buffer.Length * 2, maxBytes + 1));
                        body._buffer.AsSpan(0, body._length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(body._buffer);
                        body._buffer = bigger;
                    }

                    var read = await request.Body.ReadAsync(body._buffer.AsMemory(body._length), ct);
                    if (read == 0) break;
                    body._length += read;
                    if (body._length > maxBytes) throw TooLarge(maxBytes);
                }

                return body;
            }
            catch
            {
                body.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            var buffer = Interlocked.Exchange(ref _buffer, []);
            if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        }

        private static DomainException TooLarge(int maxBytes) =>
            new(new DomainError(ErrorKind.TooLarge, "request.too-large", $"The request body is larger than {maxBytes} bytes; send at most 1000 records per request."));
    }
}

using Marketplace.Api.Identity;
using Marketplace.Core.Common;
using Marketplace.Core.Notifications;
using Marketplace.Core.SellerCalls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Api.SellerCalls;

/// <summary>The seller's "production interface messages" (§6.4, §7): calls, attempts, retry, manual delivery, notifications.</summary>
public static class SellerCallEndpoints
{
    public sealed record ManualDeliveryRequest(string? InstanceId, string? Note);

    public static IEndpointRouteBuilder MapSellerCallRoutes(this IEndpointRouteBuilder app)
    {
        var calls = app.MapGroup("/api/seller").WithTags("Seller calls");

        calls.MapGet("/calls", async (string? status, string? activity, string? orderId, int? page, HttpContext http, SellerCallService service, CancellationToken ct) =>
        {
            var actor = http.Require(Role.Seller, Role.Ops);
            const int pageSize = 50;
            var all = new List<SellerCall>();
            await foreach (var c in service.ListAsync(actor, status, activity, orderId, ct)) all.Add(c);
            var p = Math.Max(1, page ?? 1);
            var items = all.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.CallId, StringComparer.Ordinal)
                .Skip((p - 1) * pageSize).Take(pageSize).Select(SellerCallSummary.Of).ToList();
            return CoreJsonResult.Ok(new { page = p, pageSize, total = all.Count, items });
        }).WithSummary("Production interface messages: the seller's calls (ops: all), newest first; filters status, activity, orderId");

        calls.MapGet("/calls/{callId}", async (string callId, HttpContext http, SellerCallService service, CancellationToken ct) =>
            CoreJsonResult.Ok(await service.GetAsync(callId, http.Require(Role.Seller, Role.Ops), ct)))
            .WithSummary("One seller call with every attempt (request body, HTTP status, result code, latency, error)");

        calls.MapPost("/calls/{callId}/retry", async (string callId, HttpContext http, SellerCallService service, CancellationToken ct) =>
        {
            var call = await service.RetryAsync(callId, http.Require(Role.Seller, Role.Ops), ct);
            return CoreJsonResult.Accepted(SellerCallSummary.Of(call), $"/api/seller/calls/{callId}");
        }).WithSummary("Restart a parked call: a fresh retry window from now (409 call.not-parked otherwise)");

        calls.MapPost("/calls/{callId}/manual-delivery", async (string callId, ManualDeliveryRequest body, HttpContext http, SellerCallService service, CancellationToken ct) =>
            CoreJsonResult.Ok(await service.DeliverManuallyAsync(callId, http.Require(Role.Seller, Role.Ops), body.InstanceId, body.Note, ct)))
            .WithSummary("Close a parked newInstance by hand with the instanceId the seller created; the order becomes active");

        calls.MapGet("/notifications", async (int? max, HttpContext http, INotificationInbox inbox, CancellationToken ct) =>
        {
            var actor = http.Require(Role.Seller, Role.Ops);
            var recipient = actor.Role == Role.Seller ? actor.Id : Recipients.Ops;
            var items = new List<Notification>();
            await foreach (var n in inbox.ListAsync(recipient, Math.Clamp(max ?? 100, 1, 1000), ct)) items.Add(n);
            return CoreJsonResult.Ok(new { recipient, items });
        }).WithSummary("Notifications, newest first: a seller's failed and parked calls and frozen products (ops: the operations team's)");

        return app;
    }
}

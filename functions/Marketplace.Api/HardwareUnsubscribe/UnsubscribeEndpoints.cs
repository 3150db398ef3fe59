using Marketplace.Api.Cases;
using Marketplace.Api.Identity;
using Marketplace.Core.Common;
using Marketplace.Core.HardwareUnsubscribe;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Api.HardwareUnsubscribe;

public sealed record ApplyUnsubscribeRequest(string? Kind, string? Reason);
public sealed record UnsubscribeReviewRequest(string? Decision, string? Reason);
public sealed record ReturnShipmentRequest(string? Carrier, string? TrackingNo);
public sealed record InspectionRequest(string? Decision, string? Note);
public sealed record WithdrawalRequest(string? Reason);

/// <summary>Hardware unsubscribe (§6.6): the buyer's application, the seller's review and inspection, the return shipment.</summary>
public static class UnsubscribeEndpoints
{
    private const string Tag = "Hardware unsubscribe";

    public static IEndpointRouteBuilder MapUnsubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orders/{orderId}/unsubscriptions", async (string orderId, ApplyUnsubscribeRequest body, HttpContext http, Unsubscriptions service, CancellationToken ct) =>
        {
            var view = await service.ApplyAsync(http.Require(Role.Buyer), orderId, body.Kind, body.Reason, ct);
            return Results.Created($"/api/unsubscriptions/{view.UnsubscriptionId}", view);
        }).WithTags(Tag).Produces<UnsubscriptionView>(StatusCodes.Status201Created)
          .WithSummary("Buyer applies to unsubscribe a hardware order (kind notReceived or received, reason); 409 unsubscribe.quota-exhausted after the yearly quota");

        var group = app.MapGroup("/api/unsubscriptions").WithTags(Tag);

        group.MapGet("", async (string? status, HttpContext http, Unsubscriptions service, CancellationToken ct) =>
        {
            var actor = http.Require(Role.Buyer, Role.Seller, Role.Ops);
            if (status is not null && !Enum.TryParse<UnsubscriptionStatus>(status, out _))
                throw new DomainException(DomainError.BadRequest("validation.failed", $"Unknown status '{status}'; use one of {string.Join(", ", Enum.GetNames<UnsubscriptionStatus>())}."));
            var items = new List<UnsubscriptionSummary>();
            await foreach (var u in service.ListAsync(actor, status, ct)) items.Add(u);
            return Results.Ok(items.OrderByDescending(u => u.StatusEnteredAt).ToList());
        }).Produces<List<UnsubscriptionSummary>>().WithSummary("The caller's applications (ops: all), latest change first; filter by status");

        group.MapGet("/quota", async (HttpContext http, Unsubscriptions service, CancellationToken ct) =>
            Results.Ok(await service.QuotaAsync(http.Require(Role.Buyer), ct)))
            .Produces<QuotaView>().WithSummary("Buyer's applications used and left in this natural year (billing time zone)");

        group.MapGet("/{unsubscriptionId}", async (string unsubscriptionId, HttpContext http, Unsubscriptions service, CancellationToken ct) =>
            Results.Ok(await service.GetAsync(unsubscriptionId, http.Require(Role.Buyer, Role.Seller, Role.Ops), ct)))
            .Produces<UnsubscriptionView>().WithSummary("An application with its deadlines, appeal eligibility and timeline");

        group.MapPost("/{unsubscriptionId}/review", (string unsubscriptionId, UnsubscribeReviewRequest body, HttpContext http, Unsubscriptions service, CancellationToken ct) =>
            Act(service, unsubscriptionId, new ReviewUnsubscription(http.Require(Role.Seller),
                Words.Parse(body.Decision, "decision", ("approve", UnsubscribeReviewDecision.Approve), ("reject", UnsubscribeReviewDecision.Reject)), body.Reason), ct))
            .Produces<UnsubscriptionView>().WithSummary("Seller approves (not received: refund; received: the buyer sends the goods back) or rejects with a reason");

        group.MapPost("/{unsubscriptionId}/return-shipment", (string unsubscriptionId, ReturnShipmentRequest body, HttpContext http, Unsubscriptions service, CancellationToken ct) =>
            Act(service, unsubscriptionId, new EnterReturnShipment(http.Require(Role.Buyer), body.Carrier ?? "", body.TrackingNo ?? ""), ct))
            .Produces<UnsubscriptionView>().WithSummary("Buyer enters the return shipment (carrier, trackingNo) within the return window");

        group.MapPost("/{unsubscriptionId}/inspection", (string unsubscriptionId, InspectionRequest body, HttpContext http, Unsubscriptions service, CancellationToken ct) =>
        {
            var seller = http.Require(Role.Seller);
            Words.Parse(body.Decision, "decision", ("accept", true));
            return Act(service, unsubscriptionId, new InspectReturn(seller, body.Note), ct);
        }).Produces<UnsubscriptionView>().WithSummary("Seller accepts the returned goods; the refund follows");

        group.MapPost("/{unsubscriptionId}/withdrawal", (string unsubscriptionId, WithdrawalRequest? body, HttpContext http, Unsubscriptions service, CancellationToken ct) =>
            Act(service, unsubscriptionId, new WithdrawUnsubscription(http.Require(Role.Buyer), body?.Reason), ct))
            .Produces<UnsubscriptionView>().WithSummary("Buyer withdraws the application (while awaiting review or the return)");

        return app;
    }

    private static async Task<IResult> Act(Unsubscriptions service, string id, UnsubscriptionCommand command, CancellationToken ct) =>
        Results.Ok(await service.ActAsync(id, command, ct));
}

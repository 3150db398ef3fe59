using System.Text.Json;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.SellerCalls;

/// <summary>Outbox message: queue a seller call (written by the aggregate whose change needs the seller). Idempotent: the call id is deterministic.</summary>
public sealed record CreateSellerCallMessage(string SellerId, string ProductId, string Activity, string Body, string? Discriminator, string? OrderRef)
{
    public static CreateSellerCallMessage For(string sellerId, string productId, SellerRequest request, string? discriminator, string? orderRef) =>
        new(sellerId, productId, request.Activity, request.Body, discriminator, orderRef);

    public CreateSellerCall ToCommand() => new(SellerId, ProductId, SellerRequest.FromBody(Activity, Body), Discriminator, OrderRef);

    public string CallId => ToCommand().CallId;
}

/// <summary>Outbox message to the order a call works for: the call succeeded, was delivered by hand, parked or restarted.
/// The order reads the call itself (the source of truth), so the order of these messages does not matter.</summary>
public sealed record SellerCallChangedMessage(string OrderId, string CallId, string Activity, string Status);

/// <summary>One line of the seller-call listing ("production interface messages").</summary>
public sealed record SellerCallSummary(
    string CallId,
    string SellerId,
    string ProductId,
    string Activity,
    string? OrderId,
    string? OrderLineId,
    string? OrderRef,
    string? InstanceId,
    string Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FirstAttemptAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset Deadline,
    DateTimeOffset? ParkedAt,
    string? ParkedReason,
    SellerCallLastResult? LastResult,
    InstanceIdMismatch? InstanceIdMismatch)
{
    public static SellerCallSummary Of(SellerCall c)
    {
        var last = c.Attempts.Count == 0 ? null : c.Attempts[^1];
        return new SellerCallSummary(c.CallId, c.SellerId, c.ProductId, c.Activity, c.OrderId, c.OrderLineId, c.OrderRef, c.InstanceId,
            SellerCallStatusNames.Wire(c.Status), c.Attempts.Count, c.CreatedAt, c.FirstAttemptAt, c.LastAttemptAt, c.NextAttemptAt, c.Deadline,
            c.ParkedAt, c.ParkedReason,
            last is null ? null : new SellerCallLastResult(last.HttpStatus, last.ResultCode, last.ResultMsg, last.Error, last.LatencyMs),
            c.InstanceIdMismatch);
    }
}

public sealed record SellerCallLastResult(int? HttpStatus, string? ResultCode, string? ResultMsg, string? Error, long LatencyMs);

/// <summary>The wire (and tag) names of <see cref="SellerCallStatus"/>: camelCase, e.g. <c>manuallyDelivered</c>.</summary>
public static class SellerCallStatusNames
{
    public static string Wire(SellerCallStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    /// <summary>Reads a status filter in either case (<c>parked</c>, <c>Parked</c>); null when unknown.</summary>
    public static SellerCallStatus? Parse(string? text) =>
        Enum.TryParse<SellerCallStatus>(text, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(text, out _) ? s : null;
}

using System.Globalization;
using System.Text.Json.Serialization;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;

namespace Marketplace.Core.SellerApi;

/// <summary>
/// The open API "查询订单" (Query Order, §7.5) sellers call to get what a newInstance body leaves out. The seller is
/// known from the order; the request must be signed with that seller's key (<see cref="SellerServerAuth"/>), so a
/// seller can read only orders of its own products. An unknown order and another seller's order both answer 401.
/// </summary>
public sealed class OrderQueryService(AggregateRunner runner, SellerDirectory sellers, SellerServerAuth auth)
{
    public async Task<SellerOrderQueryResponse> QueryAsync(string? orderId, string? orderLineId, SellerSignedRequest request, CancellationToken ct)
    {
        DomainException.ThrowIf(auth.CheckHeaders(request));
        if (string.IsNullOrWhiteSpace(orderId) || orderId.Length > 64)
            DomainException.ThrowIf(DomainError.BadRequest("validation.failed", "orderId is required (at most 64 characters)."));
        // The seller is known only from the order: an unknown order answers as a wrong signature does (401), so the route
        // does not tell an unsigned caller which order ids exist.
        var order = (await runner.LoadAsync(CatalogueService.Orders, orderId!, ct))?.State;
        if (order is null) DomainException.ThrowIf(SellerServerAuth.SignatureMismatch());
        var seller = await sellers.FindAsync(order!.SellerId, ct);
        if (seller is null) DomainException.ThrowIf(SellerServerAuth.SignatureMismatch());
        await auth.AuthenticateAsync(seller!, request, ct);
        if (orderLineId is not null && orderLineId != order.OrderLineId) DomainException.ThrowIf(NotFound(orderId + "/" + orderLineId));
        return new SellerOrderQueryResponse("MKT.0000", "Success.", SellerOrderInfo.Of(order));
    }

    private static DomainError NotFound(string what) => DomainError.NotFound("order.not-found", $"Order {what} does not exist.");
}

/// <summary>KooGallery's envelope: <c>error_code</c> / <c>error_msg</c> and the order.</summary>
public sealed record SellerOrderQueryResponse(
    [property: JsonPropertyName("error_code")] string ErrorCode,
    [property: JsonPropertyName("error_msg")] string ErrorMsg,
    [property: JsonPropertyName("orderInfo")] SellerOrderInfo OrderInfo);

/// <summary>The order as its seller may see it: no buyer contact details beyond the buyer's id. Times are UTC <c>yyyyMMddHHmmss</c>.</summary>
public sealed record SellerOrderInfo(
    string OrderId,
    string OrderType,
    string CreateTime,
    string CustomerId,
    string Status,
    string? ParentOrderId,
    IReadOnlyList<SellerOrderLine> OrderLineItems)
{
    public static SellerOrderInfo Of(Order o) => new(
        o.OrderId,
        o.OrderType == OrderInstanceRules.UpgradeType ? "UPGRADE" : "NEW",
        Format(o.PlacedAt)!,
        o.BuyerId,
        o.Status,
        o.ParentOrderId,
        [
            new SellerOrderLine(o.OrderLineId, o.ProductId,
                o.ChargingMode switch { ChargingMode.Period => "PERIOD", ChargingMode.OneTime => "ONE_TIME", _ => "ON_DEMAND" },
                o.PeriodMonths is null ? null : "month", o.PeriodMonths?.ToString(CultureInfo.InvariantCulture),
                Format(o.ExpiresAt), o.InstanceId, o.Scenario.ToString()),
        ]);

    private static string? Format(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
}

public sealed record SellerOrderLine(
    string OrderLineId,
    string ProductId,
    string ChargingMode,
    string? PeriodType,
    string? PeriodNumber,
    string? ExpireTime,
    string? InstanceId,
    string Scenario);

using Marketplace.Api.Limits;
using Marketplace.Core.SellerApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Api.SellerCalls;

/// <summary>Seller servers → platform: the order query open API (§7.5), HMAC-signed like the usage push.</summary>
public static class OrderQueryEndpoints
{
    public static IEndpointRouteBuilder MapOrderQueryRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/mkp-openapi-public/global/v1/order/query", async (string? orderId, string? orderLineId, HttpContext http, OrderQueryService service, CancellationToken ct) =>
        {
            var h = http.Request.Headers;
            var request = new SellerSignedRequest(Header(h, "signature"), Header(h, "ts"), Header(h, "nonce"), "");
            return CoreJsonResult.Ok(await service.QueryAsync(orderId, orderLineId, request, ct));
        })
        .SellerServerRoute()
        .WithDescription("401 when the signature does not verify under the order's seller's keys, the order being unknown included; 429 rate.limited with Retry-After over the address's or the seller's budget (RateLimits:SellerServer).")
        .WithSummary("Query an order as its seller sees it. Headers: ts (Unix ms), nonce, signature = base64(HMAC-SHA256(base key, \"ts={ts}&nonce={nonce}&body=\"))");
        return app;
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;
}

using Marketplace.Api.Identity;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Api.SellerCalls;

/// <summary>Key rotation by the seller (§5.1): issue a new key, activate it; the old one keeps working inbound for Sellers:KeyOverlap.</summary>
public static class SellerKeyEndpoints
{
    public static IEndpointRouteBuilder MapSellerKeyRoutes(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/sellers/{sellerId}/keys").WithTags("Catalogue and orders");

        keys.MapPost("", async (string sellerId, HttpContext http, SellerKeyService service, CancellationToken ct) =>
        {
            var key = await service.IssueAsync(sellerId, http.Require(Role.Seller), ct);
            return CoreJsonResult.Created($"/api/sellers/{sellerId}/keys/{key.KeyId}", key);
        }).WithSummary("Issue a new base and Kit key (seller, self); shown once. Accepted inbound at once; outbound after activation");

        keys.MapGet("", async (string sellerId, HttpContext http, SellerKeyService service, CancellationToken ct) =>
            CoreJsonResult.Ok(new { sellerId, keys = await service.ListAsync(sellerId, http.Require(Role.Seller), ct) }))
            .WithSummary("The seller's keys and their state (active, pending, retiring, retired), without secrets");

        keys.MapPost("/{keyId}/activation", async (string sellerId, string keyId, HttpContext http, SellerKeyService service, CancellationToken ct) =>
            CoreJsonResult.Ok(new { sellerId, keys = await service.ActivateAsync(sellerId, keyId, http.Require(Role.Seller), ct) }))
            .WithSummary("Activate a new key: every call to the seller is signed with it from now on; the replaced keys retire after Sellers:KeyOverlap");

        return app;
    }
}

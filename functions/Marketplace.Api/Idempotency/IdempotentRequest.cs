using Microsoft.AspNetCore.Http;

namespace Marketplace.Api.Idempotency;

/// <summary>
/// The identity of a request that carries an <c>Idempotency-Key</c>: a hash of the caller, the route and the key, the same
/// for every attempt of the request. What the request creates is named from it (an order's id, a renewal's order id), so
/// a repeat that runs again because the first attempt died after writing (a crash before its answer was stored, or a 5xx
/// after the write) finds what the first attempt created instead of creating it a second time.
/// </summary>
public sealed record IdempotentRequest(string Id)
{
    /// <summary>The identity of the current request, or null when it carries no Idempotency-Key.</summary>
    public static string? IdOf(HttpContext context) => context.Features.Get<IdempotentRequest>()?.Id;
}

using Marketplace.Core.Common;

namespace Marketplace.Core.SellerApi;

/// <summary>
/// The per-seller request budget of the routes sellers' servers call (usage push, order query). It is asked once the
/// request's signature has verified, so the seller is known, and before the nonce is claimed or anything is stored: a
/// request over the budget changes nothing and may be sent again (with a fresh nonce once its <c>ts</c> is stale).
/// </summary>
public interface ISellerRateLimit
{
    /// <summary>Null when <paramref name="sellerId"/> may go on; otherwise a 429 <c>rate.limited</c> error with its <c>RetryAfter</c>.</summary>
    DomainError? TryAcquire(string sellerId);
}

/// <summary>No budget: every request goes on (pure tests, tools).</summary>
public sealed class UnlimitedSellerRate : ISellerRateLimit
{
    public static readonly UnlimitedSellerRate Instance = new();

    public DomainError? TryAcquire(string sellerId) => null;
}

public static class RateLimitErrors
{
    public const string Limited = "rate.limited";

    public static DomainError Limited429(string detail, TimeSpan retryAfter) =>
        new(ErrorKind.TooManyRequests, Limited, detail) { RetryAfter = retryAfter };
}

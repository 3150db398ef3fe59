using System.Globalization;
using System.Threading.RateLimiting;
using Marketplace.Api.Problems;
using Marketplace.Core.Common;
using Marketplace.Core.SellerApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Limits;

/// <summary>
/// Section <c>RateLimits:SellerServer</c>: the request budgets of the routes sellers' servers call. Token buckets: a
/// bucket holds up to its burst and refills by its permits every second. Per client address before authentication (the
/// signature check costs storage reads), per seller once the signature has verified.
/// </summary>
public sealed class SellerServerRateLimitOptions
{
    public const string Section = "RateLimits:SellerServer";

    /// <summary>Requests per second one seller may make, sustained (<c>RateLimits:SellerServer:PermitsPerSecond</c>; below 1, e.g. 0.2, one every few seconds).</summary>
    public double PermitsPerSecond { get; set; } = 20;

    /// <summary>Requests one seller may make at once after a quiet spell (<c>RateLimits:SellerServer:Burst</c>).</summary>
    public int Burst { get; set; } = 40;

    /// <summary>Requests per second from one client address, before the seller is known (<c>RateLimits:SellerServer:AddressPermitsPerSecond</c>).</summary>
    public double AddressPermitsPerSecond { get; set; } = 100;

    /// <summary>Burst of one client address (<c>RateLimits:SellerServer:AddressBurst</c>).</summary>
    public int AddressBurst { get; set; } = 200;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(double value, double min, string name)
        {
            if (!(value >= min && value <= 1_000_000)) errors.Add($"{Section}:{name} must be between {min} and 1000000 (it is {value}).");
        }

        Check(PermitsPerSecond, 0.01, nameof(PermitsPerSecond));
        Check(Burst, 1, nameof(Burst));
        Check(AddressPermitsPerSecond, 0.01, nameof(AddressPermitsPerSecond));
        Check(AddressBurst, 1, nameof(AddressBurst));
        return errors;
    }

    /// <summary>A bucket of <paramref name="burst"/> tokens refilled at <paramref name="permitsPerSecond"/>: whole tokens every second, or one token every 1/rate seconds below 1.</summary>
    internal static TokenBucketRateLimiterOptions Bucket(double permitsPerSecond, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = permitsPerSecond >= 1 ? (int)Math.Round(permitsPerSecond) : 1,
        ReplenishmentPeriod = permitsPerSecond >= 1 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1 / permitsPerSecond),
        QueueLimit = 0,
        AutoReplenishment = false, // the partitioned limiter replenishes every partition from one timer
    };
}

/// <summary>
/// Rate limits of the seller-server routes (<c>/api/mkp-openapi-public/...</c>) in the pipeline both hosts share:
/// ASP.NET Core's rate limiter partitioned by client address in front of the route, and <see cref="SellerRateLimit"/>
/// per seller behind the signature check. Either refusal is 429 problem+json <c>rate.limited</c> with <c>Retry-After</c>.
/// </summary>
public static class SellerServerLimits
{
    public const string AddressPolicy = "seller-server-address";

    public static IServiceCollection AddSellerServerLimits(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<SellerServerRateLimitOptions>().Bind(config.GetSection(SellerServerRateLimitOptions.Section))
            .Validate(o => o.Validate().Count == 0, "RateLimits:SellerServer settings are invalid: PermitsPerSecond and AddressPermitsPerSecond must be between 0.01 and 1000000, Burst and AddressBurst between 1 and 1000000.")
            .ValidateOnStart();
        services.AddSingleton<SellerRateLimit>();
        services.AddSingleton<ISellerRateLimit>(sp => sp.GetRequiredService<SellerRateLimit>());
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(AddressPolicy, http =>
            {
                var limits = http.RequestServices.GetRequiredService<IOptions<SellerServerRateLimitOptions>>().Value;
                var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetTokenBucketLimiter(address, _ => SellerServerRateLimitOptions.Bucket(limits.AddressPermitsPerSecond, limits.AddressBurst));
            });
            o.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                await WriteAsync(context.HttpContext, RateLimitErrors.Limited429(
                    "Too many requests from this address to the seller-server routes; wait for Retry-After seconds and send the request again with a fresh ts, nonce and signature.",
                    retryAfter));
            };
        });
        return services;
    }

    /// <summary>
    /// What every seller-server route carries: no bearer token (the HMAC signature authenticates it), the per-address
    /// rate limit, and its tag. The matrix test checks that every route under <c>/api/mkp-openapi-public</c> has them.
    /// </summary>
    public static RouteHandlerBuilder SellerServerRoute(this RouteHandlerBuilder route) =>
        route.AllowAnonymous().RequireRateLimiting(AddressPolicy).WithTags("Seller servers");

    /// <summary>Writes a 429 (or any error with a <see cref="DomainError.RetryAfter"/>) as problem+json with <c>Retry-After</c> in whole seconds.</summary>
    public static Task WriteAsync(HttpContext http, DomainError error)
    {
        if (error.RetryAfter is { } wait) http.Response.Headers.RetryAfter = RetryAfterSeconds(wait);
        return Problem.WriteAsync(http, Problem.StatusOf(error.Kind), error.Code, error.Detail);
    }

    public static string RetryAfterSeconds(TimeSpan wait) =>
        Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}

/// <summary>The per-seller budget (<see cref="ISellerRateLimit"/>): a token bucket per seller id.</summary>
public sealed class SellerRateLimit : ISellerRateLimit, IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public SellerRateLimit(IOptions<SellerServerRateLimitOptions> options)
    {
        var o = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(sellerId =>
            RateLimitPartition.GetTokenBucketLimiter(sellerId, _ => SellerServerRateLimitOptions.Bucket(o.PermitsPerSecond, o.Burst)));
    }

    public DomainError? TryAcquire(string sellerId)
    {
        using var lease = _limiter.AttemptAcquire(sellerId);
        if (lease.IsAcquired) return null;
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        return RateLimitErrors.Limited429(
            $"This seller sent more than its budget of requests to the seller-server routes; wait {SellerServerLimits.RetryAfterSeconds(wait)} s (Retry-After) and send the request again with a fresh ts, nonce and signature. Nothing was stored.",
            wait);
    }

    public void Dispose() => _limiter.Dispose();
}

using Marketplace.Api.Assets;
using Marketplace.Api.Cases;
using Marketplace.Api.Catalogue;
using Marketplace.Api.HardwareUnsubscribe;
using Marketplace.Api.Health;
using Marketplace.Api.Identity;
using Marketplace.Api.Idempotency;
using Marketplace.Api.Licenses;
using Marketplace.Api.Limits;
using Marketplace.Api.Metering;
using Marketplace.Api.Problems;
using Marketplace.Api.SellerCalls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Api.Hosting;

public static class MarketplaceEndpoints
{
    /// <summary>
    /// The request pipeline both hosts share: correlation, problem+json, the seller-server rate limits, the body size
    /// cap, auth, idempotency. It runs after routing, so the limits and auth see the matched route's metadata.
    /// </summary>
    public static IApplicationBuilder UseMarketplacePipeline(this IApplicationBuilder app)
    {
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseMiddleware<ProblemMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<IdempotencyMiddleware>();
        return app;
    }

    /// <summary>
    /// Every route of the API. People's routes need a valid bearer token before anything else runs (no body is read
    /// for an anonymous caller); the handlers then check the role and the core checks ownership. Routes open without a
    /// token say so with AllowAnonymous: health, the Development token route and the seller-server routes (HMAC).
    /// </summary>
    public static IEndpointRouteBuilder MapMarketplaceApi(this IEndpointRouteBuilder app, IHostEnvironment env)
    {
        var api = app.MapGroup("").RequireAuthorization();
        api.MapHealth();
        api.MapUnsubscriptions();
        api.MapAssets();
        api.MapCatalogue();
        api.MapCases();
        api.MapSellerCalls();
        api.MapLicenses();
        api.MapUsage(env);
        Marketplace.Api.Kit.KitEndpoints.MapKit(api);
        if (env.IsDevelopment()) api.MapDevTokens();
        return app;
    }
}

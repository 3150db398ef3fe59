using Marketplace.Api.Assets;
using Marketplace.Api.Cases;
using Marketplace.Api.Catalogue;
using Marketplace.Api.HardwareUnsubscribe;
using Marketplace.Api.Health;
using Marketplace.Api.Identity;
using Marketplace.Api.Idempotency;
using Marketplace.Api.Licenses;
using Marketplace.Api.Metering;
using Marketplace.Api.Problems;
using Marketplace.Api.SellerCalls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Api.Hosting;

public static class MarketplaceEndpoints
{
    /// <summary>The request pipeline both hosts share: correlation, problem+json, auth, idempotency.</summary>
    public static IApplicationBuilder UseMarketplacePipeline(this IApplicationBuilder app)
    {
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseMiddleware<ProblemMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<IdempotencyMiddleware>();
        return app;
    }

    public static IEndpointRouteBuilder MapMarketplaceApi(this IEndpointRouteBuilder app, IHostEnvironment env)
    {
        app.MapHealth();
        app.MapUnsubscriptions();
        app.MapAssets();
        app.MapCatalogue();
        app.MapCases();
        app.MapSellerCalls();
        app.MapLicenses();
        app.MapUsage(env);
        Marketplace.Api.Kit.KitEndpoints.MapKit(app);
        if (env.IsDevelopment()) app.MapDevTokens();
        return app;
    }
}

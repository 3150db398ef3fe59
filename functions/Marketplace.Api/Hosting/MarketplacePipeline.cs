using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Api.Hosting;

/// <summary>
/// The whole HTTP API as one <see cref="RequestDelegate"/>: routing, the shared pipeline
/// (<see cref="MarketplaceEndpoints.UseMarketplacePipeline"/>) and the routes of
/// <see cref="MarketplaceEndpoints.MapMarketplaceApi"/>, in the order the standalone server's WebApplication runs
/// them. A host that receives ready-made <see cref="HttpContext"/>s (the Function App's HTTP triggers, through the
/// ASP.NET Core integration) hands each one to this delegate, so it runs exactly the server's endpoints.
/// </summary>
public static class MarketplacePipeline
{
    public static RequestDelegate Build(IServiceProvider services, IHostEnvironment env)
    {
        var app = new ApplicationBuilder(services);
        app.UseRouting();
        app.UseMarketplacePipeline();
        app.UseEndpoints(endpoints => endpoints.MapMarketplaceApi(env));
        var pipeline = app.Build();

        return context =>
        {
            // The caller may already have routed the request (the Functions worker matches its own trigger's route);
            // routing skips matching when an endpoint is set, so start from a clean slate and match our routes.
            context.SetEndpoint(null);
            context.Request.RouteValues.Clear();
            return pipeline(context);
        };
    }
}

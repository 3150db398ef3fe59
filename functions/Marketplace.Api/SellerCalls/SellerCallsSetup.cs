using System.Net;
using System.Security.Authentication;
using Marketplace.Core.Catalogue;
using Marketplace.Core.DialTests;
using Marketplace.Core.Notifications;
using Marketplace.Core.SellerApi;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;
using Marketplace.Core.Timers;
using Marketplace.Core.Work;
using Marketplace.Storage.Nonces;
using Marketplace.Storage.Notifications;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.SellerCalls;

/// <summary>
/// The seller-call capability wired into a host: its settings (validated at start-up), the HTTP transport to sellers,
/// the use cases, the work handlers, the stored kinds and the dial-test timer; and its routes.
/// </summary>
public static class SellerCallsSetup
{
    public static IServiceCollection AddSellerCalls(this IServiceCollection services, IConfiguration config)
    {
        // SellerCalls:Backoff is a comma-separated list, which the configuration binder cannot read: parse every setting.
        services.AddOptions<SellerCallOptions>()
            .Configure(o => Copy(SellerCallOptions.FromSettings(k => config[$"{SellerCallOptions.SectionName}:{k}"]), o))
            .Validate(o => o.Validate().Count == 0, "SellerCalls settings are invalid.")
            .ValidateOnStart();
        services.AddOptions<SellerOptions>().Bind(config.GetSection(SellerOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Sellers:KeyOverlap must not be negative.").ValidateOnStart();
        services.AddOptions<SellerApiOptions>().Bind(config.GetSection(SellerApiOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "SellerApi:TimestampTolerance must be positive.").ValidateOnStart();
        services.AddOptions<DialTestOptions>().Bind(config.GetSection(DialTestOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "DialTests settings are invalid: Schedule (six-field cron), TimeZone (IANA id), FailedDaysToFreeze (>= 1).")
            .ValidateOnStart();

        services.AddHttpClient(HttpSellerTransport.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = 64,
                SslOptions = { EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 },
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<ISellerTransport, HttpSellerTransport>();
        services.AddSingleton<INonceSource>(RandomNonceSource.Instance);
        services.AddSingleton<TableNotifier>();
        services.AddSingleton<INotifier>(sp => sp.GetRequiredService<TableNotifier>());
        services.AddSingleton<INotificationInbox>(sp => sp.GetRequiredService<TableNotifier>());
        services.AddSingleton<INonceStore, TableNonceStore>();

        services.AddSingleton<SellerCallMetrics>();
        services.AddSingleton<SellerDirectory>();
        services.AddSingleton<SellerCallService>();
        services.AddSingleton<OrderInstanceService>();
        services.AddSingleton<SellerKeyService>();
        services.AddSingleton<SellerServerAuth>();
        services.AddSingleton<OrderQueryService>();
        services.AddSingleton<ProductStatusService>();
        services.AddSingleton<ConformanceService>();

        services.AddSingleton<ITickHandler, SellerCallTickHandler>();
        services.AddSingleton<IOutboxHandler, CreateSellerCallHandler>();
        services.AddSingleton<IOutboxHandler, SellerCallNoticeHandler>();
        services.AddSingleton<IOutboxHandler, SellerCallChangedHandler>();
        services.AddSingleton<IOutboxHandler, UpgradePlacedHandler>();
        services.AddSingleton<IOutboxHandler, ConformanceRunHandler>();
        services.AddSingleton<IOutboxHandler, DialTestResultHandler>();
        services.AddSingleton<IOutboxHandler, FreezeProductHandler>();
        services.AddSingleton<ICronJob, DialTestCronJob>();

        foreach (var kind in new[] { SellerCallService.Kind, CatalogueService.Orders.Kind, ConformanceService.RunsKind, ConformanceService.RecordsKind })
            services.AddSingleton(new StoredKind(kind));
        return services;
    }

    public static IEndpointRouteBuilder MapSellerCalls(this IEndpointRouteBuilder app)
    {
        app.MapSellerCallRoutes();
        app.MapInstanceRoutes();
        app.MapSellerKeyRoutes();
        app.MapOrderQueryRoutes();
        app.MapConformanceRoutes();
        return app;
    }

    private static void Copy(SellerCallOptions from, SellerCallOptions to)
    {
        to.RetryWindow = from.RetryWindow;
        to.Backoff = from.Backoff;
        to.Timeout = from.Timeout;
        to.QueryPollInterval = from.QueryPollInterval;
        to.AllowInsecureUrls = from.AllowInsecureUrls;
    }
}

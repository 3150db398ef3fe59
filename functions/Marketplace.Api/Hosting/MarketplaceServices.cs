using Azure.Identity;
using Marketplace.Api.Assets;
using Marketplace.Api.HardwareUnsubscribe;
using Marketplace.Api.Health;
using Marketplace.Api.Identity;
using Marketplace.Api.Licenses;
using Marketplace.Api.SellerCalls;
using Marketplace.Api.Metering;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Files;
using Marketplace.Core.Persistence;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.Supervision;
using Marketplace.Core.Timers;
using Marketplace.Core.Work;
using Marketplace.Storage;
using Marketplace.Storage.Aggregates;
using Marketplace.Storage.Files;
using Marketplace.Storage.Idempotency;
using Marketplace.Storage.Timers;
using Marketplace.Storage.Work;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Hosting;

/// <summary>
/// The composition shared by both hosts: storage, the core's use cases and the HTTP handlers. A host adds only
/// what drives it (Server: queue worker, timer heap, cron; Functions: triggers and orchestrations).
/// </summary>
public static class MarketplaceServices
{
    public static IServiceCollection AddMarketplace(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        services.AddSingleton(DevClock.For(config, env)); // TimeProvider.System outside Development
        services.AddOptions<StorageOptions>().Bind(config.GetSection(StorageOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString) || !string.IsNullOrWhiteSpace(o.AccountName),
                "Storage: set Storage:ConnectionString (e.g. UseDevelopmentStorage=true for Azurite) or Storage:AccountName (Azure, managed identity).")
            .Validate(o => o.Prefix.Length is >= 1 and <= 20 && o.Prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) && char.IsAsciiLetterLower(o.Prefix[0]),
                "Storage:Prefix must be 1-20 lower-case letters or digits, starting with a letter.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return string.IsNullOrWhiteSpace(o.ConnectionString)
                ? StorageAccount.FromCredential(o.AccountName!, new DefaultAzureCredential())
                : StorageAccount.Parse(o.ConnectionString);
        });
        services.AddSingleton(sp => new TableProvisioner(sp.GetRequiredService<StorageAccount>(), sp.GetRequiredService<IOptions<StorageOptions>>().Value.Prefix));
        services.AddSingleton<IAggregateStore, TableAggregateStore>();
        services.AddSingleton<IIdempotencyStore, TableIdempotencyStore>();
        services.AddSingleton<ICronStateStore, TableCronStateStore>();
        services.AddSingleton(sp => new WorkQueueClient(sp.GetRequiredService<StorageAccount>()
            .GetQueueClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Prefix + "-work")));
        services.AddSingleton<IWorkQueue>(sp => sp.GetRequiredService<WorkQueueClient>());
        services.AddSingleton<OutboxRelay>();
        services.AddSingleton<WorkRouter>();
        services.AddSingleton<AggregateRunner>();
        services.AddSingleton<IHealthProbe, StorageHealthProbe>();
        services.AddSingleton<IFileStore>(sp => new BlobFileStore(sp.GetRequiredService<StorageAccount>()
            .GetBlobContainerClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Prefix + "-files")));
        services.AddSingleton<StoredKind>(new StoredKind(SupervisionCases.Kind));

        // Capabilities: their options (validated at start-up), use cases and work handlers.
        services.AddHardwareUnsubscribe(config); // hardware unsubscribe: applications, yearly quota, review and return windows
        services.AddAssetCenter(config); // asset center: uploads, data-file checks, scans, product references
        services.AddOptions<SupervisionOptions>().Bind(config.GetSection(SupervisionOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Supervision settings are invalid (windows must be positive).").ValidateOnStart();
        services.AddOptions<CaseFileOptions>().Bind(config.GetSection(CaseFileOptions.SectionName))
            .Validate(o => o.MaxBytes > 0 && o.AllowedContentTypes.Count > 0, "CaseFiles:MaxBytes must be positive and CaseFiles:AllowedContentTypes not empty.").ValidateOnStart();
        services.AddSingleton<SupervisionCases>();
        services.AddSingleton<CatalogueService>();
        services.AddSingleton<ITickHandler, CaseTickHandler>();
        services.AddSingleton<IOutboxHandler, OrderSupervisionEndedHandler>();
        services.AddSellerCalls(config); // seller calls, SaaS instances, key rotation, order query, notifications, dial tests
        services.AddLicenseCodes(); // License 2.0 codes: issue, activation by sellers' servers, refresh/status/release calls
        services.AddMetering(config);
        Marketplace.Api.Kit.KitEndpoints.AddKit(services); // federated Kit sync calls

        services.AddMarketplaceIdentity(config, env);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
        });
        return services;
    }
}

/// <summary>Storage is reachable when a table can be listed.</summary>
internal sealed class StorageHealthProbe(StorageAccount account) : IHealthProbe
{
    public string Name => "storage";

    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        await foreach (var _ in account.GetTableServiceClient().ListTablesAsync(cancellationToken: ct)) break;
        return true;
    }
}

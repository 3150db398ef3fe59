using Marketplace.Core.Assets;
using Marketplace.Core.Work;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Api.Assets;

public static class AssetSetup
{
    /// <summary>
    /// The asset center: settings <c>Assets:*</c> validated at start-up, the use cases, the built-in scanner (more
    /// <see cref="IAssetScanner"/>s may be added beside it), the scan and purge handlers and the scan timer.
    /// </summary>
    public static IServiceCollection AddAssetCenter(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<AssetOptions>().Bind(config.GetSection(AssetOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Assets settings are invalid: limits must be positive, RejectCvss between 0 and 10.")
            .ValidateOnStart();
        services.AddSingleton<AssetCenter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssetScanner, BuiltInAssetScanner>());
        services.AddSingleton(new StoredKind(AssetCenter.Kind));
        services.AddSingleton<ITickHandler, AssetTickHandler>();
        services.AddSingleton<IOutboxHandler, AssetScanHandler>();
        services.AddSingleton<IOutboxHandler, AssetPurgeHandler>();
        return services;
    }
}

using Marketplace.Core.Licenses;
using Marketplace.Core.Work;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Licenses;

public static class LicenseSetup
{
    /// <summary>
    /// License 2.0 codes: the use cases and the outbox handlers (issue, follow the case, follow the calls). The code has no
    /// timers; its calls use the seller-call settings (<c>SellerCalls:*</c>) and the activation route <c>SellerApi:*</c>.
    /// </summary>
    public static IServiceCollection AddLicenseCodes(this IServiceCollection services)
    {
        services.AddSingleton<LicenseCodes>();
        services.AddSingleton<IOutboxHandler, IssueLicenseHandler>();
        services.AddSingleton<IOutboxHandler, LicenseCaseChangedHandler>();
        services.AddSingleton<IOutboxHandler, LicenseCallChangedHandler>();
        services.AddSingleton(new StoredKind(LicenseCodes.Kind)); // its outbox rows are relayed again after a crash
        return services;
    }
}

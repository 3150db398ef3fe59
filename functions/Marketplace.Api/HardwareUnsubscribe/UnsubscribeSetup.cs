using Marketplace.Core.HardwareUnsubscribe;
using Marketplace.Core.Work;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.HardwareUnsubscribe;

public static class UnsubscribeSetup
{
    /// <summary>
    /// Hardware unsubscribe: settings <c>Unsubscribe:*</c> (the natural year in <c>Billing:TimeZone</c>), validated at
    /// start-up; the use cases, the timer and the outbox handlers; both aggregate kinds reload at start-up.
    /// </summary>
    public static IServiceCollection AddHardwareUnsubscribe(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<UnsubscribeOptions>().Bind(config.GetSection(UnsubscribeOptions.SectionName))
            .Configure(o => o.TimeZone = config["Billing:TimeZone"] is { Length: > 0 } zone ? zone : UnsubscribeOptions.DefaultTimeZone)
            .Validate(o => o.Validate().Count == 0, "Unsubscribe settings are invalid: windows must be positive, YearlyQuota at least 1, Billing:TimeZone a known zone.")
            .ValidateOnStart();
        services.AddSingleton<Unsubscriptions>();
        services.AddSingleton(new StoredKind(Unsubscriptions.Kind));
        services.AddSingleton(new StoredKind(Unsubscriptions.QuotaKind));
        services.AddSingleton<ITickHandler, UnsubscriptionTickHandler>();
        services.AddSingleton<IOutboxHandler, OpenUnsubscriptionHandler>();
        services.AddSingleton<IOutboxHandler, UnsubscribeRefundHandler>();
        services.AddSingleton<IOutboxHandler, UnsubscribeCloseCaseHandler>();
        return services;
    }
}

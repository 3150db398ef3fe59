using Marketplace.Core.Metering;
using Marketplace.Core.Timers;
using Marketplace.Storage.Metering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Metering;

/// <summary>Usage push and billing: options (section <c>Billing</c>, validated at start-up), storage, use cases and timers.</summary>
public static class MeteringServices
{
    public static IServiceCollection AddMetering(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<MeteringOptions>().Bind(config.GetSection(MeteringOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MeteringOptions>, MeteringOptionsValidator>();

        services.AddSingleton<IMeteredInstances, TableMeteredInstances>();
        services.AddSingleton<TableUsageLedger>();
        services.AddSingleton<IUsageLedger>(sp => sp.GetRequiredService<TableUsageLedger>());
        services.AddSingleton<IBillLedger, TableBillLedger>();
        services.AddSingleton<MeteredInstances>();
        services.AddSingleton<Marketplace.Core.Work.IOutboxHandler, InstanceUsageHandler>();
        services.AddSingleton<UsageIngest>();
        services.AddSingleton<BillRunner>();
        services.AddSingleton<UsageBills>();
        services.AddSingleton<UsageRetention>();

        // Timers (the standalone server's CronService runs every ICronJob); a schedule set to "off" registers none.
        var settings = config.GetSection(MeteringOptions.SectionName).Get<MeteringOptions>() ?? new MeteringOptions();
        if (settings.EffectiveHourlySchedule is { } hourly)
        {
            services.AddSingleton<ICronJob>(sp => new BillRunJob(BillingGranularity.Hour, hourly,
                sp.GetRequiredService<BillRunner>(), sp.GetRequiredService<IOptions<MeteringOptions>>()));
        }

        if (settings.EffectiveDailySchedule is { } daily)
        {
            services.AddSingleton<ICronJob>(sp => new BillRunJob(BillingGranularity.Day, daily,
                sp.GetRequiredService<BillRunner>(), sp.GetRequiredService<IOptions<MeteringOptions>>()));
        }

        if (settings.EffectiveRetentionSchedule is { } retention)
        {
            services.AddSingleton<ICronJob>(sp => new UsageRetentionJob(retention,
                sp.GetRequiredService<UsageRetention>(), sp.GetRequiredService<IOptions<MeteringOptions>>()));
        }

        return services;
    }
}

using Marketplace.Api.Hosting;
using Marketplace.Core.Scheduling;
using Marketplace.Core.Work;
using Marketplace.Functions.Hosting;
using Marketplace.Functions.Scheduling;
using Marketplace.Functions.Work;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The Function App host: the composition both hosts share (AddMarketplace), plus what drives it here. HTTP triggers
// run the server's pipeline and endpoints (ASP.NET Core integration); commits are signalled at the end of each
// invocation (DeferredSignals → Durable timers, outbox → Service Bus); timers run the server's cron jobs.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
builder.Services.AddRouting();
builder.Services.AddMarketplace(builder.Configuration, builder.Environment);

// Scheduler and outbox dispatcher: record during the invocation, act before it ends (UnitOfWork).
builder.Services.AddSingleton<DeferredSignals>();
builder.Services.AddSingleton<IScheduler>(sp => sp.GetRequiredService<DeferredSignals>());
builder.Services.AddSingleton<IOutboxDispatcher>(sp => sp.GetRequiredService<DeferredSignals>());
// The work queue is the Service Bus queue (registered after AddMarketplace, so it replaces the Storage queue).
builder.Services.AddSingleton<ServiceBusWorkQueue>();
builder.Services.AddSingleton<IWorkQueue>(sp => sp.GetRequiredService<ServiceBusWorkQueue>());

builder.Services.AddSingleton<AggregateTicker>();
builder.Services.AddSingleton<CronJobRunner>();
builder.Services.AddSingleton<DurableScheduler>();
builder.Services.AddSingleton<UnitOfWork>();
builder.Services.AddSingleton<ApiHttp>();
builder.Services.AddSingleton<Recovery>();

builder.Build().Run();

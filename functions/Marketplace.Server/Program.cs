using Marketplace.Api.Hosting;
using Marketplace.Core.Scheduling;
using Marketplace.Server.Scheduling;
using Marketplace.Server.Timers;
using Marketplace.Server.Work;

// Settings files sit beside the binary, wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]) && string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls("http://127.0.0.1:7071"); // the Functions host's local port

builder.Services.AddMarketplace(builder.Configuration, builder.Environment);
builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
{
    doc.Info.Title = "Marketplace platform API";
    doc.Info.Description = "Service supervision, seller calls, usage and bills. Errors are application/problem+json with a stable `code`.";
    return Task.CompletedTask;
}));

// The standalone host's drivers: work queue consumer, timer heap, outbox pump and cron timers.
builder.Services.AddOptions<WorkerOptions>().Bind(builder.Configuration.GetSection(WorkerOptions.Section))
    .Validate(o => o.Concurrency is > 0 and <= 256, "Worker:Concurrency must be between 1 and 256.")
    .Validate(o => o.Lease >= TimeSpan.FromSeconds(15), "Worker:Lease must be at least 15 seconds.")
    .ValidateOnStart();
builder.Services.AddSingleton<TimerHeapScheduler>();
builder.Services.AddSingleton<IScheduler>(sp => sp.GetRequiredService<TimerHeapScheduler>());
builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerHeapScheduler>());
builder.Services.AddSingleton<OutboxPump>();
builder.Services.AddSingleton<IOutboxDispatcher>(sp => sp.GetRequiredService<OutboxPump>());
builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxPump>());
builder.Services.AddHostedService<QueueWorker>();
builder.Services.AddHostedService<CronService>();
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

var app = builder.Build();
// The web console (wwwroot, plain ES modules): served at / ahead of the API pipeline; unknown /api routes still get problem+json.
app.UseDefaultFiles();
app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache" });
app.UseMarketplacePipeline();
app.MapOpenApi("/api/openapi.json");
app.MapMarketplaceApi(app.Environment);
app.Run();

public partial class Program;

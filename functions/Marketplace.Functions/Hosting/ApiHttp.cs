using Marketplace.Api.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Functions.Hosting;

/// <summary>
/// What every HTTP function does: hand the request's real HttpContext (ASP.NET Core integration) to the server's
/// own pipeline and endpoints (<see cref="MarketplacePipeline"/>), as one unit of work. The response is written by
/// the endpoint; the function returns an empty result so the worker adds nothing.
/// </summary>
public sealed class ApiHttp(IServiceProvider services, IHostEnvironment env, UnitOfWork work)
{
    private readonly Lazy<RequestDelegate> _pipeline = new(() => MarketplacePipeline.Build(services, env));

    public async Task<IActionResult> RunAsync(HttpRequest request, DurableTaskClient durable)
    {
        var context = request.HttpContext;
        await work.RunAsync(durable, _ => _pipeline.Value(context), context.RequestAborted);
        return new EmptyResult();
    }
}

using Marketplace.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Http;

/// <summary>
/// Health and, in Development only, local tokens.
/// One function per server route (same method, same path under the <c>api</c> route prefix), each handing the
/// request to the server's own endpoint through <see cref="ApiHttp"/>. FunctionAppManifestTests checks the list
/// against the server's routes.
/// </summary>
public sealed class HealthFunctions(ApiHttp api)
{
    /// <summary><c>GET /api/health</c> (anyone: 200 when storage is reachable).</summary>
    [Function("Health")]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);

    /// <summary><c>POST /api/dev/tokens</c> (Development only: local runs with AZURE_FUNCTIONS_ENVIRONMENT=Development mint tokens; in Azure the route is not mapped and answers 404).</summary>
    [Function("DevTokens")]
    public Task<IActionResult> DevTokens([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "dev/tokens")] HttpRequest req, [DurableClient] DurableTaskClient durable) =>
        api.RunAsync(req, durable);
}

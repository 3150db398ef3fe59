using System.IdentityModel.Tokens.Jwt;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Marketplace.Server.Tests.Functions;
using Marketplace.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Server.Tests.Security;

/// <summary>
/// Outside Development the routes under <c>/api/dev/</c> do not exist (they answer as any unknown route), and a token
/// minted with the Development key is worth nothing: people's tokens come from the OIDC authority only.
/// </summary>
public sealed class ProductionRoutesTests : IAsyncLifetime
{
    private const string DevKey = "development-only-signing-key-not-a-secret-0123456789"; // appsettings.Development.json

    private readonly MarketplaceApp _app = new(new Dictionary<string, string?>
    {
        // An authority nobody listens on: no token can be validated, which is all these tests need.
        ["Auth:Authority"] = "https://127.0.0.1:9/",
        ["Auth:Audience"] = "api://marketplace",
    })
    { Environment = "Production" };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Development_routes_do_not_exist_outside_Development()
    {
        var routes = FunctionAppManifest.ServerRoutes(_app.Services.GetRequiredService<EndpointDataSource>());
        Assert.NotEmpty(routes);
        Assert.DoesNotContain(routes, r => r.Pattern.StartsWith("api/dev/", StringComparison.Ordinal));
        Assert.Equal(
            RouteTable.Rules.Where(r => !r.DevOnly).Select(r => r.Key.ToString()).Order(StringComparer.Ordinal).ToList(),
            routes.Select(r => r.ToString()).Order(StringComparer.Ordinal).ToList());

        using var client = _app.CreateClient();
        await (await client.PostAsJsonAsync("/api/dev/tokens", new { subject = "ops-1", roles = new[] { "ops" } })).ProblemAsync(404, "route.not-found");
        await (await client.PostAsJsonAsync("/api/dev/metered-instances", new { orderId = "x" })).ProblemAsync(404, "route.not-found");
    }

    [Fact]
    public async Task A_token_signed_with_the_Development_key_is_refused()
    {
        var now = DateTime.UtcNow;
        var token = new JwtSecurityTokenHandler().WriteToken(new JwtSecurityToken("marketplace-dev", "marketplace-dev",
            [new Claim("sub", "ops-1"), new Claim("roles", "ops")], now.AddMinutes(-1), now.AddHours(1),
            new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(DevKey)), SecurityAlgorithms.HmacSha256)));
        using var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await (await client.GetAsync("/api/appeals")).ProblemAsync(401, "auth.unauthenticated");
    }
}

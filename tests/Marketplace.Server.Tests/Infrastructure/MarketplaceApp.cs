using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Server.Tests.Infrastructure;

/// <summary>
/// The server in-process (Development environment, real Azurite, its own storage prefix, real timers). Settings
/// can be overridden per test, e.g. a stall window of seconds. Tokens come from the dev-token route, as a frontend's.
/// </summary>
public sealed class MarketplaceApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public MarketplaceApp(IDictionary<string, string?>? settings = null, string? prefix = null)
    {
        Prefix = prefix ?? TestStorage.NewPrefix();
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Storage:ConnectionString"] = TestStorage.ConnectionString,
            ["Storage:Prefix"] = Prefix,
        };
    }

    public string Prefix { get; }

    /// <summary>The host environment (Development unless a test needs to see another, e.g. that dev routes are gone).</summary>
    public string Environment { get; init; } = "Development";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }

    public async Task<HttpClient> ClientAsAsync(string subject, string role)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/dev/tokens", new { subject, roles = new[] { role } });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

public static class HttpAssertions
{
    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status} {code} but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(code, problem["code"]?.GetValue<string>());
        Assert.Equal(status, problem["status"]?.GetValue<int>());
        return problem;
    }

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response, int status = 200)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status} but got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

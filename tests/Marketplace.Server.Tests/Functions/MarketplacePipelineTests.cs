using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Hosting;
using Marketplace.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Server.Tests.Functions;

/// <summary>
/// The Function App hands each HTTP trigger's HttpContext to <see cref="MarketplacePipeline"/>. These tests drive that
/// delegate the way the Functions worker does (a context it already routed to its own endpoint, request services from
/// the invocation's scope) and check it behaves as the server's own pipeline: routing, auth, problem+json, handlers.
/// </summary>
public sealed class MarketplacePipelineTests : IAsyncLifetime
{
    // Small limits, to see the rate limiter and the body cap run in this pipeline too.
    private readonly MarketplaceApp _app = new(new Dictionary<string, string?>
    {
        ["RateLimits:SellerServer:AddressPermitsPerSecond"] = "1",
        ["RateLimits:SellerServer:AddressBurst"] = "2",
        ["RequestLimits:MaxBodyBytes"] = "2048",
    });
    private RequestDelegate _pipeline = null!;

    public Task InitializeAsync()
    {
        _pipeline = MarketplacePipeline.Build(_app.Services, _app.Services.GetRequiredService<IHostEnvironment>());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_request_the_worker_already_routed_reaches_the_servers_handler()
    {
        var (status, body, headers) = await InvokeAsync("GET", "/api/health", correlationId: "fn-test-1");
        Assert.Equal(200, status);
        Assert.Equal("ok", JsonNode.Parse(body)!["status"]!.GetValue<string>());
        Assert.Equal("fn-test-1", headers["X-Correlation-Id"].ToString());
    }

    [Fact]
    public async Task Auth_and_problem_json_run_as_on_the_server()
    {
        var (status, body, headers) = await InvokeAsync("GET", "/api/cases");
        Assert.Equal(401, status);
        Assert.StartsWith("application/problem+json", headers.ContentType.ToString());
        Assert.Equal("auth.unauthenticated", JsonNode.Parse(body)!["code"]!.GetValue<string>());

        (status, body, _) = await InvokeAsync("GET", "/api/no-such-thing");
        Assert.Equal(404, status);
        Assert.Equal("route.not-found", JsonNode.Parse(body)!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_minted_through_the_pipeline_authorizes_a_later_request()
    {
        var (status, body, _) = await InvokeAsync("POST", "/api/dev/tokens", """{"subject":"ops-1","roles":["ops"]}""");
        Assert.Equal(200, status);
        var token = JsonNode.Parse(body)!["token"]!.GetValue<string>();

        (status, body, _) = await InvokeAsync("GET", "/api/appeals?status=open", bearer: token);
        Assert.True(status == 200, body);
        Assert.NotNull(JsonNode.Parse(body));
    }

    [Fact]
    public async Task The_seller_server_rate_limit_and_the_body_cap_run_in_the_shared_pipeline()
    {
        const string query = "/api/mkp-openapi-public/global/v1/order/query?orderId=ORD1";
        Assert.Equal(401, (await InvokeAsync("GET", query)).Status); // unsigned: refused, but it counts
        Assert.Equal(401, (await InvokeAsync("GET", query)).Status);
        var (status, body, headers) = await InvokeAsync("GET", query);
        Assert.Equal(429, status);
        Assert.Equal("rate.limited", JsonNode.Parse(body)!["code"]!.GetValue<string>());
        Assert.True(int.Parse(headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);

        (status, body, headers) = await InvokeAsync("POST", "/api/dev/tokens", $$"""{"subject":"{{new string('s', 3000)}}","roles":["ops"]}""");
        Assert.Equal(413, status);
        Assert.StartsWith("application/problem+json", headers.ContentType.ToString());
        Assert.Equal("request.too-large", JsonNode.Parse(body)!["code"]!.GetValue<string>());
    }

    private async Task<(int Status, string Body, IHeaderDictionary Headers)> InvokeAsync(
        string method, string pathAndQuery, string? json = null, string? bearer = null, string? correlationId = null)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var split = pathAndQuery.Split('?', 2);
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        context.Request.Path = split[0];
        if (split.Length > 1) context.Request.QueryString = new QueryString("?" + split[1]);
        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
            context.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody()); // as Kestrel's request says
        }

        if (bearer is not null) context.Request.Headers.Authorization = $"Bearer {bearer}";
        if (correlationId is not null) context.Request.Headers["X-Correlation-Id"] = correlationId;
        var response = new MemoryStream();
        context.Response.Body = response;

        // As the Functions worker leaves it: routed to the trigger's own endpoint, with the trigger's route values.
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(), "Functions trigger"));
        context.Request.RouteValues = new RouteValueDictionary { ["caseId"] = "from-the-trigger" };

        await _pipeline(context);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray()), context.Response.Headers);
    }

    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }
}

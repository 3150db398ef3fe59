using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.Foundation;

/// <summary>What every route shares: health, the OpenAPI document, problem+json errors, tokens, idempotency.</summary>
public sealed class FoundationTests : IAsyncLifetime
{
    private readonly MarketplaceApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Health_reports_storage_reachable()
    {
        var health = await (await _app.CreateClient().GetAsync("/api/health")).JsonAsync();
        Assert.Equal("ok", health["status"]!.GetValue<string>());
        Assert.Equal("ok", health["checks"]!["storage"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApi_document_lists_the_routes()
    {
        var doc = await (await _app.CreateClient().GetAsync("/api/openapi.json")).JsonAsync();
        var paths = doc["paths"]!.AsObject();
        foreach (var route in new[] { "/api/health", "/api/orders", "/api/cases/{caseId}", "/api/cases/{caseId}/appeals", "/api/appeals/{appealId}/resolution" })
            Assert.True(paths.ContainsKey(route), $"{route} is missing from the OpenAPI document");
    }

    [Fact]
    public async Task Unknown_route_is_problem_json_404()
    {
        await (await _app.CreateClient().GetAsync("/api/no-such-thing")).ProblemAsync(404, "route.not-found");
    }

    [Fact]
    public async Task Console_is_served_at_the_root_beside_the_api()
    {
        var client = _app.CreateClient();
        var index = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Marketplace console", await index.Content.ReadAsStringAsync());
        var script = await client.GetAsync("/js/main.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        // The API is untouched: unknown /api routes are still problem+json, and so are missing console files.
        await (await client.GetAsync("/api/js/main.js")).ProblemAsync(404, "route.not-found");
        await (await client.GetAsync("/no-such-page.html")).ProblemAsync(404, "route.not-found");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health")).StatusCode);
    }

    [Fact]
    public async Task Missing_and_forged_tokens_are_401()
    {
        var anonymous = _app.CreateClient();
        await (await anonymous.GetAsync("/api/cases")).ProblemAsync(401, "auth.unauthenticated");

        var forged = _app.CreateClient();
        // A well-formed JWT signed with another key.
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvcHMtMSIsInJvbGVzIjoib3BzIiwiaXNzIjoibWFya2V0cGxhY2UtZGV2IiwiYXVkIjoibWFya2V0cGxhY2UtZGV2IiwiZXhwIjo0MTAyNDQ0ODAwfQ.3Jt2sE3bq3bP1H0TqgLzS4V5Jj7l9hM3jvYcVQyQ0aA");
        await (await forged.GetAsync("/api/cases")).ProblemAsync(401, "auth.unauthenticated");
    }

    [Fact]
    public async Task Wrong_role_is_403()
    {
        var buyer = await _app.ClientAsAsync("buyer-1", "buyer");
        await (await buyer.PostAsJsonAsync("/api/sellers", new { name = "x", productionUrl = "https://seller.example.com/p" })).ProblemAsync(403, "auth.forbidden");
    }

    [Fact]
    public async Task Malformed_json_is_400_and_changes_nothing()
    {
        var ops = await _app.ClientAsAsync("ops-1", "ops");
        var bad = new StringContent("{\"name\": \"Acme\", \"productionUrl\": ", Encoding.UTF8, "application/json");
        await (await ops.PostAsync("/api/sellers", bad)).ProblemAsync(400, "validation.malformed-json");

        var wrongType = new StringContent("{\"name\": 42, \"productionUrl\": []}", Encoding.UTF8, "application/json");
        await (await ops.PostAsync("/api/sellers", wrongType)).ProblemAsync(400, "validation.malformed-json");
    }

    [Fact]
    public async Task Dev_token_route_validates_its_input()
    {
        var client = _app.CreateClient();
        await (await client.PostAsJsonAsync("/api/dev/tokens", new { subject = "x", roles = new[] { "admin" } })).ProblemAsync(422, "validation.failed");
        await (await client.PostAsJsonAsync("/api/dev/tokens", new { roles = new[] { "buyer" } })).ProblemAsync(422, "validation.failed");
    }

    [Fact]
    public async Task Idempotency_key_replays_the_first_response()
    {
        var market = await Market.OpenAsync(_app.ClientAsAsync);
        var productId = await market.ProductAsync("manualService");

        async Task<HttpResponseMessage> Order(string key, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await market.Buyer.SendAsync(request);
        }

        var first = await (await Order("order-attempt-1", new { productId })).JsonAsync(201);
        var replay = await Order("order-attempt-1", new { productId });
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        var second = await replay.JsonAsync(201);
        Assert.Equal(first.ToJsonString(), second.ToJsonString());

        await (await Order("order-attempt-1", new { productId, periodMonths = 2 })).ProblemAsync(422, "idempotency.key-reused");

        var cases = await (await market.Buyer.GetAsync("/api/cases")).JsonAsync();
        Assert.Equal(1, cases["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_repeat_after_the_first_attempt_died_finds_its_order_instead_of_placing_another()
    {
        var market = await Market.OpenAsync(_app.ClientAsAsync);
        var productId = await market.ProductAsync("manualService");
        async Task<HttpResponseMessage> Order()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { productId }) };
            request.Headers.Add("Idempotency-Key", "order-after-a-crash");
            return await market.Buyer.SendAsync(request);
        }

        var first = await (await Order()).JsonAsync(201);

        // The process died after placing the order and opening its case, before it stored the answer: the key is left
        // "started", and a repeat takes it over once the claim is stale (no longer renewed) and runs the request again.
        var keys = await new Marketplace.Storage.TableProvisioner(Marketplace.Storage.StorageAccount.Parse(TestStorage.ConnectionString), _app.Prefix).GetAsync("idempotency", default);
        await foreach (var row in keys.QueryAsync(null))
        {
            row["State"] = "started";
            row["StartedAt"] = DateTimeOffset.UtcNow - Marketplace.Core.Persistence.IdempotencyClaims.StaleAfter - TimeSpan.FromSeconds(1);
            await keys.ReplaceAsync(row, row.ETag!);
        }

        var again = await Order();
        Assert.False(again.Headers.Contains("Idempotent-Replayed")); // it ran again
        var second = await again.JsonAsync(201);
        Assert.Equal(first["orderId"]!.GetValue<string>(), second["orderId"]!.GetValue<string>());
        Assert.Equal(first["caseId"]!.GetValue<string>(), second["caseId"]!.GetValue<string>());
        Assert.Equal(1, (await (await market.Buyer.GetAsync("/api/cases")).JsonAsync())["total"]!.GetValue<int>());
        Assert.Equal("true", (await Order()).Headers.GetValues("Idempotent-Replayed").Single()); // and its answer is kept now
    }

    [Fact]
    public async Task Responses_carry_a_correlation_id()
    {
        var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("X-Correlation-Id", "abc-123");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("abc-123", response.Headers.GetValues("X-Correlation-Id").Single());
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.FakeSeller;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Server.Tests.SellerCalls;

namespace Marketplace.Server.Tests.Kit;

/// <summary>A server for the federated Kit tests (seller calls with short windows; Kit calls park at once anyway).</summary>
public sealed class KitApp : IAsyncLifetime
{
    public MarketplaceApp App { get; } = new(SaasMarket.FastSettings(TimeSpan.FromSeconds(20)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => App.DisposeAsync().AsTask();

    public Task<SaasMarket> MarketAsync() => SaasMarket.OpenAsync(App.ClientAsAsync);
}

/// <summary>Federated (联营) Kit sync end to end, against the fake seller (which checks x-sign and decrypts the secret itself).</summary>
public sealed class KitSyncTests(KitApp server) : IClassFixture<KitApp>
{
    private static async Task<(SaasMarket Market, string OrderId, string TenantId)> BoundAsync(KitApp server, string tenantId, object[]? departments = null)
    {
        var market = await server.MarketAsync();
        var pem = market.Fake.CreateKitKeyPair();
        await (await market.Seller.PutAsJsonAsync($"/api/sellers/{market.SellerId}/kit-public-key", new { publicKeyPem = pem })).JsonAsync();
        var orderId = (await market.OrderAsync(await market.ProductAsync()))["orderId"]!.GetValue<string>();
        await market.WaitForStatusAsync(orderId, "active");
        var bound = await (await market.Buyer.PostAsJsonAsync($"/api/orders/{orderId}/enterprise", new
        {
            tenantId, tenantCode = "acme", name = "Acme Ltd", domainName = "https://acme.tenantaccount.com",
            departments = departments ?? [new { orgCode = "root", orgName = "Acme", parentCode = "" }, new { orgCode = "rd", orgName = "R&D", parentCode = "root" }],
        })).JsonAsync(201);
        Assert.False(string.IsNullOrEmpty(bound["clientSecret"]?.GetValue<string>()));
        return (market, orderId, tenantId);
    }

    private static List<ReceivedRequest> KitRequests(SaasMarket market, string tenantId) =>
        market.Fake.Requests.Where(r => r.IsKit && r.Field("tenantId") == tenantId).ToList();

    private static Task<JsonObject> WaitIdleAsync(SaasMarket market, string bindingId, int calls) =>
        Market.EventuallyAsync(async () => await (await market.Buyer.GetAsync($"/api/enterprise/{bindingId}")).JsonAsync(),
            b => b["calls"]!.AsArray().Count == calls && b["calls"]!.AsArray().All(c => c!["status"]!.GetValue<string>() == "succeeded"),
            TimeSpan.FromSeconds(30), $"{calls} Kit calls to succeed");

    [Fact]
    public async Task Binding_sends_tenantSync_applicationSync_allOrgSync_in_order_signed_with_a_secret_the_seller_decrypts()
    {
        var (market, orderId, tenantId) = await BoundAsync(server, "tenant-bind");
        await using var _ = market;
        var view = await WaitIdleAsync(market, "eb-" + orderId, 3);

        var sent = KitRequests(market, tenantId);
        Assert.Equal(["tenantSync", "applicationSync", "allOrgSync"], sent.Select(r => r.Activity));
        Assert.All(sent, r => Assert.True(r.Verified, r.VerificationError));
        Assert.All(sent, r => Assert.EndsWith($"/produceAPI/v2/{r.Activity}", r.Path));
        var tenant = JsonNode.Parse(sent[0].Body)!;
        Assert.Equal(JsonValueKind.Number, tenant["flag"]!.GetValueKind());
        Assert.Equal(1, tenant["flag"]!.GetValue<int>());
        Assert.Equal(0, tenant["testFlag"]!.GetValue<int>());
        Assert.Matches("^[0-9]{17}$", tenant["timeStamp"]!.GetValue<string>());
        Assert.Equal(orderId, tenant["orderId"]!.GetValue<string>());

        var fake = market.Fake.KitTenant(tenantId)!;
        var secret = view["clientSecret"]?.GetValue<string>();
        Assert.Null(secret); // shown once, at binding
        Assert.False(string.IsNullOrEmpty(fake.ClientSecret));
        Assert.Equal(view["binding"]!["app"]!["clientId"]!.GetValue<string>(), fake.ClientId);
        Assert.Equal(["rd", "root"], fake.Orgs.Keys.Order());
        Assert.NotEqual(fake.ClientSecret, JsonNode.Parse(sent[1].Body)!["clientSecret"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_bound_secret_is_the_one_the_seller_decrypts()
    {
        var market = await server.MarketAsync();
        await using var _ = market;
        var pem = market.Fake.CreateKitKeyPair();
        await (await market.Seller.PutAsJsonAsync($"/api/sellers/{market.SellerId}/kit-public-key", new { publicKeyPem = pem })).JsonAsync();
        var orderId = (await market.OrderAsync(await market.ProductAsync()))["orderId"]!.GetValue<string>();
        var bound = await (await market.Buyer.PostAsJsonAsync($"/api/orders/{orderId}/enterprise",
            new { tenantId = "tenant-secret", tenantCode = "s", name = "S", domainName = "https://s.example" })).JsonAsync(201);
        await WaitIdleAsync(market, "eb-" + orderId, 3);
        Assert.Equal(bound["clientSecret"]!.GetValue<string>(), market.Fake.KitTenant("tenant-secret")!.ClientSecret);
    }

    private static object[] Users(int count, string orgCode = "rd") =>
        Enumerable.Range(1, count).Select(i => (object)new { userName = $"user{i:D4}", name = $"User {i}", orgCode, role = i == 1 ? "admin" : "user" }).ToArray();

    [Fact]
    public async Task Authorizing_1201_users_sends_3_authSync_calls()
    {
        var (market, orderId, tenantId) = await BoundAsync(server, "tenant-users");
        await using var _ = market;
        var bindingId = "eb-" + orderId;
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/users", new { users = Users(1201) })).JsonAsync(202);
        var view = await WaitIdleAsync(market, bindingId, 6);

        var auth = KitRequests(market, tenantId).Where(r => r.Activity == "authSync").ToList();
        Assert.Equal(3, auth.Count);
        Assert.All(auth, r => Assert.True(r.Verified, r.VerificationError));
        var bodies = auth.Select(r => JsonNode.Parse(r.Body)!.AsObject()).ToList();
        Assert.Equal([500, 500, 201], bodies.Select(b => b["userList"]!.AsArray().Count));
        var sent = bodies.SelectMany(b => b["userList"]!.AsArray().Select(u => u!["userName"]!.GetValue<string>())).ToList();
        Assert.Equal(Enumerable.Range(1, 1201).Select(i => $"user{i:D4}"), sent); // every user exactly once, in order
        Assert.All(bodies, b =>
        {
            Assert.Equal(JsonValueKind.Number, b["flag"]!.GetValueKind());
            Assert.Equal(1, b["flag"]!.GetValue<int>());
            Assert.Equal(JsonValueKind.Number, b["testFlag"]!.GetValueKind());
            Assert.Equal(0, b["testFlag"]!.GetValue<int>());
            Assert.Matches("^[0-9]{17}$", b["timeStamp"]!.GetValue<string>());
            Assert.Matches("^[0-9]{17}$", b["currentSyncTime"]!.GetValue<string>());
            Assert.Equal(tenantId, b["tenantId"]!.GetValue<string>());
        });
        Assert.Equal(1201, market.Fake.KitTenant(tenantId)!.Users.Count);

        // The platform's own records: one per user, listed with the binding.
        var listed = view["users"]!.AsArray();
        Assert.Equal(1201, listed.Count);
        Assert.Equal("admin", listed.Single(u => u!["userName"]!.GetValue<string>() == "user0001")!["role"]!.GetValue<string>());
        // The binding's snapshot does not carry the users, and the queue no bodies.
        Assert.Null(view["binding"]!["users"]);
        Assert.Empty(view["binding"]!["queue"]!.AsArray());
    }

    [Fact]
    public async Task A_failing_authSync_batch_parks_alone_and_the_later_batches_wait_for_its_retry()
    {
        var (market, orderId, tenantId) = await BoundAsync(server, "tenant-users-park");
        await using var _ = market;
        var bindingId = "eb-" + orderId;
        await WaitIdleAsync(market, bindingId, 3);
        market.Fake.SetScenarioForActivity("authSync", FakeScenario.FailTimes(1));
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/users", new { users = Users(1001) })).JsonAsync(202);

        var parked = await Market.EventuallyAsync(async () => await (await market.Buyer.GetAsync($"/api/enterprise/{bindingId}")).JsonAsync(),
            b => b["calls"]!.AsArray().Count == 4 && b["calls"]!.AsArray()[3]!["status"]!.GetValue<string>() == "parked", TimeSpan.FromSeconds(30), "the first batch to park");
        Assert.Equal(2, parked["binding"]!["queue"]!.AsArray().Count); // batches 2 and 3 wait
        await Task.Delay(1000);
        Assert.Single(KitRequests(market, tenantId), r => r.Activity == "authSync");
        Assert.Equal(1001, parked["users"]!.AsArray().Count); // the platform's records do not wait for the seller

        var callId = parked["calls"]!.AsArray()[3]!["callId"]!.GetValue<string>();
        await (await market.Buyer.PostAsync($"/api/enterprise/{bindingId}/calls/{callId}/retry", null)).JsonAsync(202);
        await WaitIdleAsync(market, bindingId, 6);
        var auth = KitRequests(market, tenantId).Where(r => r.Activity == "authSync").ToList();
        Assert.Equal([500, 500, 500, 1], auth.Select(r => JsonNode.Parse(r.Body)!["userList"]!.AsArray().Count));
        Assert.Equal(auth[0].Body, auth[1].Body); // the retry sends the parked batch again, as it was
        Assert.Equal(1001, market.Fake.KitTenant(tenantId)!.Users.Count);
    }

    [Fact]
    public async Task A_change_of_more_than_5000_users_is_refused_whole_and_users_are_modified_and_deleted_by_name()
    {
        var (market, orderId, tenantId) = await BoundAsync(server, "tenant-users-limit");
        await using var _ = market;
        var bindingId = "eb-" + orderId;
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/users", new { users = Users(5001) })).ProblemAsync(413, "enterprise.too-many-users");
        var names = Enumerable.Range(1, 5001).Select(i => $"user{i:D4}").ToArray();
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/users/delete", new { userNames = names })).ProblemAsync(413, "enterprise.too-many-users");

        await (await market.Buyer.PutAsJsonAsync($"/api/enterprise/{bindingId}/users", new { users = Users(1) })).ProblemAsync(404, "enterprise.user-not-found");
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/users", new { users = Users(2) })).JsonAsync(202);
        await (await market.Buyer.PutAsJsonAsync($"/api/enterprise/{bindingId}/users",
            new { users = new[] { new { userName = "user0002", name = "Renamed", orgCode = "root", role = "admin" } } })).JsonAsync(202);
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/users/revoke", new { userNames = new[] { "user0001" } })).JsonAsync(202);
        var view = await WaitIdleAsync(market, bindingId, 6);

        var user = Assert.Single(view["users"]!.AsArray())!;
        Assert.Equal("Renamed", user["name"]!.GetValue<string>());
        Assert.Equal("admin", user["role"]!.GetValue<string>());
        var revoke = JsonNode.Parse(KitRequests(market, tenantId).Last(r => r.Activity == "authSync").Body)!;
        Assert.Equal(3, revoke["flag"]!.GetValue<int>());
        Assert.Equal("User 1", revoke["userList"]![0]!["name"]!.GetValue<string>()); // the stored record goes with a revoke
        Assert.Equal(["user0002"], market.Fake.KitTenant(tenantId)!.Users.Keys);
    }

    [Fact]
    public async Task The_kit_routes_are_in_the_OpenAPI_document()
    {
        var doc = await (await server.App.CreateClient().GetAsync("/api/openapi.json")).JsonAsync();
        var paths = doc["paths"]!.AsObject();
        foreach (var (route, method) in new[]
                 {
                     ("/api/sellers/{sellerId}/kit-public-key", "put"), ("/api/orders/{orderId}/enterprise", "post"), ("/api/enterprise/{bindingId}", "get"),
                     ("/api/enterprise/{bindingId}/departments", "post"), ("/api/enterprise/{bindingId}/departments/{orgCode}", "put"),
                     ("/api/enterprise/{bindingId}/departments/{orgCode}", "delete"), ("/api/enterprise/{bindingId}/users", "post"),
                     ("/api/enterprise/{bindingId}/users", "put"), ("/api/enterprise/{bindingId}/users/revoke", "post"),
                     ("/api/enterprise/{bindingId}/users/delete", "post"), ("/api/enterprise/{bindingId}/calls/{callId}/retry", "post"),
                 })
            Assert.True(paths[route]?[method] is not null, $"{method.ToUpperInvariant()} {route} is missing from the OpenAPI document");
        Assert.NotNull(paths["/api/enterprise/{bindingId}/users"]!["post"]!["responses"]!["413"]);
    }

    [Fact]
    public async Task A_failing_Kit_call_parks_at_once_and_an_administrator_retry_delivers_it()
    {
        var (market, orderId, tenantId) = await BoundAsync(server, "tenant-park");
        await using var _ = market;
        var bindingId = "eb-" + orderId;
        await WaitIdleAsync(market, bindingId, 3);

        market.Fake.SetScenarioForActivity("singleOrgSync", FakeScenario.FailAlways());
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/departments", new { orgCode = "ops", orgName = "Operations", parentCode = "root" })).JsonAsync(202);
        var parked = await Market.EventuallyAsync(async () => await (await market.Buyer.GetAsync($"/api/enterprise/{bindingId}")).JsonAsync(),
            b => b["calls"]!.AsArray().Count == 4 && b["calls"]!.AsArray()[3]!["status"]!.GetValue<string>() == "parked", TimeSpan.FromSeconds(30), "the call to park");
        var call = parked["calls"]!.AsArray()[3]!;
        Assert.Equal(1, call["attempts"]!.GetValue<int>());
        var callId = call["callId"]!.GetValue<string>();
        await Task.Delay(2500);
        Assert.Single(KitRequests(market, tenantId), r => r.Activity == "singleOrgSync");
        var notices = await Market.EventuallyAsync(market.NotificationsAsync, n => n.Any(x => x!["kind"]!.GetValue<string>() == "call.parked"), what: "the seller to be notified");
        Assert.Contains(notices, n => n!["callId"]?.GetValue<string>() == callId);

        market.Fake.SetScenarioForActivity("singleOrgSync", FakeScenario.Succeed());
        await (await market.Buyer.PostAsync($"/api/enterprise/{bindingId}/calls/{callId}/retry", null)).JsonAsync(202);
        await WaitIdleAsync(market, bindingId, 4);
        Assert.True(market.Fake.KitTenant(tenantId)!.Orgs.ContainsKey("ops"));
        await (await market.Buyer.PostAsync($"/api/enterprise/{bindingId}/calls/{callId}/retry", null)).ProblemAsync(409, "call.not-parked");
    }

    [Fact]
    public async Task Repeated_adds_and_deletes_are_idempotent_on_the_seller_side()
    {
        var (market, orderId, tenantId) = await BoundAsync(server, "tenant-idem");
        await using var _ = market;
        var bindingId = "eb-" + orderId;
        var dept = new { orgCode = "qa", orgName = "QA", parentCode = "root" };
        var users = new[] { new { userName = "alice", name = "Alice", orgCode = "qa", role = "user" } };
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/departments", dept)).JsonAsync(202);
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/departments", dept)).JsonAsync(202);
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/users", new { users })).JsonAsync(202);
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/users", new { users })).JsonAsync(202);
        await WaitIdleAsync(market, bindingId, 7);
        var fake = market.Fake.KitTenant(tenantId)!;
        Assert.Equal(3, fake.Orgs.Count);
        Assert.Single(fake.Users);
        var created = fake.Created;
        Assert.Equal(2 + 1 + 1, created); // root, rd at binding; qa once; alice once

        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/users/delete", new { userNames = new[] { "alice" } })).JsonAsync(202);
        await (await market.Buyer.PostAsJsonAsync($"/api/enterprise/{bindingId}/users/delete", new { userNames = new[] { "alice" } })).JsonAsync(202);
        await (await market.Buyer.DeleteAsync($"/api/enterprise/{bindingId}/departments/qa")).JsonAsync(202);
        await (await market.Buyer.DeleteAsync($"/api/enterprise/{bindingId}/departments/qa")).JsonAsync(202);
        await WaitIdleAsync(market, bindingId, 11);
        Assert.Empty(fake.Users);
        Assert.Equal(["rd", "root"], fake.Orgs.Keys.Order());
        Assert.Equal(2, fake.Removed);
        var deletes = KitRequests(market, tenantId).Where(r => r.Activity is "singleOrgSync" or "authSync" && JsonNode.Parse(r.Body)!["flag"]!.GetValue<int>() == 0).ToList();
        Assert.Equal(4, deletes.Count);
        Assert.All(deletes, r => Assert.Equal("000000", r.ResultCode));
    }

    [Fact]
    public async Task A_key_under_3072_bits_is_refused()
    {
        var market = await server.MarketAsync();
        await using var _ = market;
        var weak = market.Fake.CreateKitKeyPair(2048);
        await (await market.Seller.PutAsJsonAsync($"/api/sellers/{market.SellerId}/kit-public-key", new { publicKeyPem = weak })).ProblemAsync(422, "seller.weak-key");
    }
}


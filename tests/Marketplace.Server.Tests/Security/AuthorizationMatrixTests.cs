using System.Net.Http.Headers;
using System.Text;
using Marketplace.Api.Limits;
using Marketplace.Server.Tests.Functions;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Server.Tests.Usage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Server.Tests.Security;

/// <summary>
/// The authorization matrix, built from the server's own route table (EndpointDataSource) and <see cref="RouteTable"/>:
/// every route × every role × own or other party's resource. No or a forged token: 401. A role the route does not
/// serve: 403. Another party's resource: 404, as if it did not exist. The owner in an allowed role: not refused (any
/// answer but 401, 403, 404 or 5xx: the resource's state may still say 409). Refusals change nothing in storage.
/// </summary>
public sealed class AuthorizationMatrixTests(SecurityWorld world) : IClassFixture<SecurityWorld>
{
    private static readonly Role[] AllRoles = [Role.Buyer, Role.Seller, Role.Ops, Role.Reviewer];

    private static Party Own(Role role) => role switch
    {
        Role.Buyer => Party.BuyerA,
        Role.Seller => Party.SellerA,
        Role.Ops => Party.Ops,
        _ => Party.Reviewer,
    };

    private static Party Other(Role role) => role == Role.Buyer ? Party.BuyerB : Party.SellerB;

    private IEnumerable<RouteRule> People => RouteTable.Rules.Where(r => r.Access == Access.People);

    [Fact]
    public void Every_server_route_has_a_rule_and_every_rule_is_a_server_route()
    {
        var server = FunctionAppManifest.ServerRoutes(world.App.Services.GetRequiredService<EndpointDataSource>()).ToHashSet();
        var table = RouteTable.Rules.Select(r => r.Key).ToList();
        Assert.Equal(table.Count, table.Distinct().Count());
        var missing = server.Except(table).ToList();
        Assert.True(missing.Count == 0,
            "Routes without a rule in Security/RouteTable.cs (say who may call them, whose resources they touch, and give a valid request):\n  "
            + string.Join("\n  ", missing));
        var stale = table.Except(server).ToList();
        Assert.True(stale.Count == 0, "Rules for routes the server does not map:\n  " + string.Join("\n  ", stale));
        foreach (var rule in People)
        {
            Assert.NotEmpty(rule.Allowed);
            Assert.All(rule.Owned, r => Assert.Contains(r, rule.Allowed));
        }
    }

    [Fact]
    public void Only_the_open_routes_skip_the_bearer_token_and_every_seller_server_route_is_rate_limited()
    {
        var endpoints = world.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var rules = RouteTable.Rules.ToDictionary(r => r.Key);
        foreach (var endpoint in endpoints)
        {
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                var key = HttpRoute.Of(method, endpoint.RoutePattern.RawText!);
                if (!rules.TryGetValue(key, out var rule)) continue; // reported by the test above
                var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
                var tokenRequired = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0;
                Assert.True(rule.Access == Access.People ? tokenRequired && !anonymous : anonymous || !tokenRequired,
                    $"{rule}: {(rule.Access == Access.People ? "needs a bearer token before its handler runs (RequireAuthorization)" : "is open (AllowAnonymous)")}");
                var limited = endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == SellerServerLimits.AddressPolicy;
                var sellerPath = key.Pattern.StartsWith("api/mkp-openapi-public/", StringComparison.Ordinal);
                Assert.True(sellerPath == (rule.Access == Access.SellerServer), $"{rule}: seller-server routes are exactly those under /api/mkp-openapi-public/");
                Assert.True(!sellerPath || limited, $"{rule}: a seller-server route must use .SellerServerRoute() (per-address rate limit)");
            }
        }
    }

    [Fact]
    public async Task No_token_or_a_forged_one_gets_401_on_every_route_for_people_before_the_body_is_read()
    {
        var failures = new List<string>();
        var forged = world.ForgedTokens();
        foreach (var rule in People)
        {
            Expect(rule, "no token", await Answer.SendAsync(world.Anonymous, rule.Request(world)), 401, "auth.unauthenticated", failures);
            foreach (var (what, token) in forged)
                Expect(rule, $"token {what}", await Answer.SendAsync(world.Anonymous, rule.Request(world), token), 401, "auth.unauthenticated", failures);
            if (rule.Method is "POST" or "PUT")
            {
                // A body that cannot be read changes nothing: authentication comes first.
                var garbage = new HttpRequestMessage(new HttpMethod(rule.Method), rule.PathFor(world))
                {
                    Content = new StringContent("{\"unterminated", Encoding.UTF8, "application/json"),
                };
                Expect(rule, "no token, malformed body", await Answer.SendAsync(world.Anonymous, garbage), 401, "auth.unauthenticated", failures);
            }
        }

        foreach (var rule in RouteTable.Rules.Where(r => r.Access == Access.Anyone))
        {
            var answer = await Answer.SendAsync(world.Anonymous, rule.Request(world));
            if (answer.Status is < 200 or > 299) failures.Add($"{rule} is open to anyone but answered {answer}");
        }

        foreach (var rule in RouteTable.Rules.Where(r => r.Access == Access.SellerServer))
        {
            // A person's bearer token is not a seller server's signature.
            foreach (var role in AllRoles)
            {
                var answer = await Answer.SendAsync(world.ClientOf(Own(role)), rule.Request(world));
                if (answer.Status != 401) failures.Add($"{rule} with a {role} bearer token and no signature: expected 401, got {answer}");
            }
        }

        Assert.True(failures.Count == 0, "Authentication holes:\n  " + string.Join("\n  ", failures));
    }

    [Fact]
    public async Task Wrong_roles_get_403_other_parties_404_and_owners_are_not_refused()
    {
        var failures = new List<string>();
        var before = await StorageFingerprint.SettledAsync(world.Prefix);

        // Refusals first, on A's resources as they are: a role the route does not serve, a token with no known role, then B.
        var roleless = world.RolelessToken();
        foreach (var rule in People)
        {
            foreach (var role in AllRoles.Except(rule.Allowed))
                Expect(rule, $"as {role}", await Answer.SendAsync(world.ClientOf(Own(role)), rule.Request(world)), 403, "auth.forbidden", failures);
            Expect(rule, "with no known role", await Answer.SendAsync(world.Anonymous, rule.Request(world), roleless), 403, "auth.forbidden", failures);
            foreach (var role in rule.Owned)
            {
                var answer = await Answer.SendAsync(world.ClientOf(Other(role)), rule.Request(world));
                if (rule.Hides is { } hides)
                {
                    var id = hides(world);
                    if (answer.Status != 200 || answer.Body.Contains(id, StringComparison.Ordinal))
                        failures.Add($"{rule} as the other {role}: expected a list without {id}, got {answer}{(answer.Body.Contains(id, StringComparison.Ordinal) ? " listing it" : "")}");
                }
                else if (answer.Status != 404 || !answer.IsProblem)
                {
                    failures.Add($"{rule} as the other {role} (on A's resource): expected 404, got {answer}");
                }
            }
        }

        var changes = (await StorageFingerprint.TakeAsync(world.Prefix)).Since(before);
        foreach (var change in changes) failures.Add("A refused request changed storage: " + change);

        // Then the owners, destructive routes last.
        foreach (var rule in People.OrderBy(r => r.Destructive))
        {
            foreach (var role in rule.Allowed)
            {
                var answer = await Answer.SendAsync(world.ClientOf(Own(role)), rule.Request(world, owner: role));
                if (answer.Status is 401 or 403 or 404 or >= 500)
                    failures.Add($"{rule} as its own {role}: refused with {answer}: {Shorten(answer.Body)}");
            }
        }

        Assert.True(failures.Count == 0, $"Authorization matrix: {failures.Count} failure(s)\n  " + string.Join("\n  ", failures));
    }

    [Fact]
    public async Task Seller_server_routes_refuse_a_wrong_key_a_stale_timestamp_and_a_reused_nonce_and_store_nothing()
    {
        var hour = UsageMarket.HourStart(DateTimeOffset.UtcNow, 2);
        var stale = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        var future = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds();
        var routes = RouteTable.Rules.Where(r => r.Access == Access.SellerServer).ToList();
        await StorageFingerprint.SettledAsync(world.Prefix);

        // Each route once, signed by A: it passes authentication (whatever the resource then says), so its nonce is used.
        var used = new Dictionary<RouteRule, string>();
        foreach (var rule in routes)
        {
            used[rule] = Guid.NewGuid().ToString("N");
            var first = await Answer.SendAsync(world.Anonymous, rule.Signed(world, world.AccessKeyA, nonce: used[rule]));
            Assert.True(first.Status is not (401 or 403 or 429) and < 500, $"{rule} signed by its seller: {first} {first.Body}");
        }

        var before = await StorageFingerprint.TakeAsync(world.Prefix);
        foreach (var rule in routes)
        {
            // Another seller's key, nobody's key, a stale or future ts, the used nonce (a replay), no signature at all.
            await (await world.Anonymous.SendAsync(rule.Signed(world, world.AccessKeyB))).ProblemAsync(401, "auth.bad-signature");
            await (await world.Anonymous.SendAsync(rule.Signed(world, "not-the-key-of-anyone"))).ProblemAsync(401, "auth.bad-signature");
            await (await world.Anonymous.SendAsync(rule.Signed(world, world.AccessKeyA, ts: stale))).ProblemAsync(401, "auth.stale-timestamp");
            await (await world.Anonymous.SendAsync(rule.Signed(world, world.AccessKeyA, ts: future))).ProblemAsync(401, "auth.stale-timestamp");
            await (await world.Anonymous.SendAsync(rule.Signed(world, world.AccessKeyA, nonce: used[rule]))).ProblemAsync(401, "auth.nonce-reused");
            var unsigned = await Answer.SendAsync(world.Anonymous, rule.Request(world));
            Assert.True(unsigned.Status == 401 && unsigned.IsProblem && unsigned.Code!.StartsWith("auth.", StringComparison.Ordinal), $"{rule} unsigned: {unsigned}");
        }

        // A used nonce stays used when the request is signed anew over other records.
        var push = routes.Single(r => r.Pattern == UsageMarket.PushPath);
        await (await world.Anonymous.SendAsync(world.Push(PushBody(hour.AddMinutes(20)), world.AccessKeyA, nonce: used[push]))).ProblemAsync(401, "auth.nonce-reused");

        // What a route names and the caller cannot sign for answers as a wrong key does: no id is confirmed to exist.
        await (await world.Anonymous.SendAsync(SecurityWorld.Signed(HttpMethod.Get, OrderQuery("ORD-NO-SUCH-ORDER"), world.AccessKeyA, ""))).ProblemAsync(401, "auth.bad-signature");
        await (await world.Anonymous.SendAsync(world.Push(UsageMarket.Body([UsageMarket.Record("INS-NO-SUCH-INSTANCE", hour, TimeSpan.FromMinutes(1), 1m)]), world.AccessKeyA)))
            .ProblemAsync(401, "auth.bad-signature");
        await (await world.Anonymous.SendAsync(SecurityWorld.Signed(HttpMethod.Post, "/api/mkp-openapi-public/global/v1/license/activate", world.AccessKeyA, "{\"license\":\"PLNOSUCHCODE0000000000000\"}")))
            .ProblemAsync(401, "auth.bad-signature");
        Assert.Empty((await StorageFingerprint.TakeAsync(world.Prefix)).Since(before));
    }

    private string PushBody(DateTimeOffset? hour = null) =>
        UsageMarket.Body([UsageMarket.Record(world.MeteredInstanceId, hour ?? UsageMarket.HourStart(DateTimeOffset.UtcNow, 2), TimeSpan.FromMinutes(5), 2m)]);

    private static string OrderQuery(string orderId) => $"/api/mkp-openapi-public/global/v1/order/query?orderId={Uri.EscapeDataString(orderId)}";

    private static void Expect(RouteRule rule, string as_, Answer answer, int status, string code, List<string> failures)
    {
        if (answer.Status != status || answer.Code != code || !answer.IsProblem)
            failures.Add($"{rule} {as_}: expected {status} {code}, got {answer}: {Shorten(answer.Body)}");
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Server.Tests.Usage;

namespace Marketplace.Server.Tests.Security;

/// <summary>The hostile-input world: small file limits (so "too large" is cheap to send) and no rate limits in the way.</summary>
public sealed class HostileWorld() : SecurityWorld(new()
{
    ["CaseFiles:MaxBytes"] = MaxFileBytes.ToString(CultureInfo.InvariantCulture),
    ["Assets:MaxPackageBytes"] = MaxFileBytes.ToString(CultureInfo.InvariantCulture),
    ["RateLimits:SellerServer:PermitsPerSecond"] = "100000",
    ["RateLimits:SellerServer:Burst"] = "100000",
    ["RateLimits:SellerServer:AddressPermitsPerSecond"] = "100000",
    ["RateLimits:SellerServer:AddressBurst"] = "100000",
})
{
    public const int MaxFileBytes = 64 * 1024;
    public const int MaxBodyBytes = 1024 * 1024; // RequestLimits:MaxBodyBytes, the default
    public const int MaxPushBytes = 2 * 1024 * 1024; // Billing:MaxPushBytes, the default
}

/// <summary>
/// Hostile input on every route with a body, path or query parameters, or seller-server headers: each valid request of
/// <see cref="RouteTable"/> is mutated deterministically (a Random seeded by the route): wrong JSON types, missing and
/// extra fields, 1 MB strings, invalid UTF-8, control and bidi characters, huge numbers, 10,000 levels of nesting,
/// bodies over the limits, duplicate keys, wrong content types, path traversal in file names and ids. Refusals must be
/// 4xx problem+json with a code and leave storage untouched (a fingerprint of every table row and blob, before and
/// after each route); nothing may ever answer 5xx. Then each live route's valid request must still succeed, so the
/// mutations were judged on a path that works.
/// </summary>
public sealed class HostileInputTests(HostileWorld world) : IClassFixture<HostileWorld>
{
    private static readonly System.Text.RegularExpressions.Regex CodeShape = new("^[a-z0-9]+([.-][a-z0-9]+)*$");

    [Fact]
    public async Task Hostile_input_is_refused_with_a_coded_4xx_problem_and_changes_nothing()
    {
        var failures = new List<string>();
        var started = DateTime.UtcNow;
        var sent = 0;
        await StorageFingerprint.SettledAsync(world.Prefix);

        // 1. What must be refused, route by route, with storage compared around each route.
        var tolerated = new List<(RouteRule Rule, Mutation Mutation)>();
        foreach (var rule in RouteTable.Rules.Where(r => r.Access != Access.SellerServer))
        {
            var mutations = MutationsOf(rule);
            if (mutations.Count == 0) continue;
            var before = await StorageFingerprint.TakeAsync(world.Prefix);
            foreach (var m in mutations.Where(m => m.MustRefuse))
            {
                Check(rule, m, await SendAsync(rule, m), failures);
                sent++;
            }

            foreach (var change in (await StorageFingerprint.TakeAsync(world.Prefix)).Since(before))
                failures.Add($"{rule}: refused input changed storage: {change}");
            tolerated.AddRange(mutations.Where(m => !m.MustRefuse).Select(m => (rule, m)));
        }

        sent += await SellerServerAsync(failures);

        // 2. The valid requests still work (owners, destructive ones last).
        foreach (var rule in RouteTable.Rules.Where(r => r.Live).OrderBy(r => r.Destructive))
        {
            var answer = await Answer.SendAsync(ClientFor(rule), rule.Request(world));
            if (answer.Status is < 200 or > 299) failures.Add($"{rule}: the valid request no longer succeeds: {answer} {Shorten(answer.Body)}");
        }

        // 3. Tolerated input: never 5xx, and any refusal is a coded problem.
        foreach (var (rule, m) in tolerated)
        {
            Check(rule, m, await SendAsync(rule, m), failures);
            sent++;
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} hostile requests were mishandled:\n  " + string.Join("\n  ", failures.Take(200)));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMinutes(3), $"{sent} requests took {DateTime.UtcNow - started}");
    }

    /// <summary>The mutations of a route: of its JSON body or upload, of each path parameter, of its query values.</summary>
    private List<Mutation> MutationsOf(RouteRule rule)
    {
        var random = new Random(Seed(rule.ToString()));
        var list = new List<Mutation>();
        var valid = rule.Request(world);
        var validBody = valid.Content?.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        var validType = valid.Content?.Headers.ContentType?.ToString();
        if (rule.JsonBody(world) is { } json)
            list.AddRange(Mutations.ForJsonBody(json, random, HostileWorld.MaxBodyBytes, optionalBody: rule.OptionalBody));
        else if (rule.Raw is not null)
            list.AddRange(Mutations.ForUpload(validBody!, validType!, HostileWorld.MaxFileBytes, checksContentType: rule.Pattern.StartsWith("/api/cases/", StringComparison.Ordinal)));

        foreach (var parameter in rule.Parameters)
            foreach (var value in Mutations.PathValues)
            {
                var refuse = !(parameter == "fileName" && Mutations.HarmlessFileNames.Contains(value));
                list.Add(new($"{{{parameter}}} = {Shorten(value, 40)}", refuse, validBody, validType, Path: rule.PathFor(world, (parameter, value))));
            }

        if (rule.Query is not null && rule.Method == "GET")
        {
            var path = rule.PathFor(world).Split('?')[0];
            foreach (var pair in rule.Query(world).Split('&'))
            {
                var name = pair.Split('=')[0];
                foreach (var value in new[] { "-1", "0", "99999999999999999999", "1e309", "NaN", "%00", "..%2F..%2F", "%E2%80%AE", new string('9', 2000) })
                    list.Add(new($"?{name}={Shorten(value, 20)}", false, null, null, Path: $"{path}?{rule.Query(world).Replace(pair, $"{name}={value}", StringComparison.Ordinal)}"));
                list.Add(new($"?{name} twice", false, null, null, Path: $"{path}?{rule.Query(world)}&{pair}"));
            }
        }

        return list;
    }

    /// <summary>The usage push and the order query: hostile bodies (signed, so they reach the parser) and hostile headers.</summary>
    private async Task<int> SellerServerAsync(List<string> failures)
    {
        var sent = 0;
        var push = RouteTable.Rules.Single(r => r.Pattern == UsageMarket.PushPath);
        var query = RouteTable.Rules.Single(r => r.Access == Access.SellerServer && r.Method == "GET");
        var random = new Random(Seed(push.ToString()));
        var hour = UsageMarket.HourStart(DateTimeOffset.UtcNow, 1);
        var slot = 0; // every record its own 10-second interval of the last full hour, so no mutation is refused as another's duplicate
        JsonObject Record() => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(UsageMarket.Record(world.MeteredInstanceId, hour.AddSeconds(10 * (slot++ % 360)), TimeSpan.FromSeconds(5), 1.25m)))!.AsObject();
        JsonObject Body(params JsonObject[] records) => new() { ["usage_records"] = new JsonArray([.. records.Select(r => r.DeepClone())]) };

        // Bodies: refused whole (4xx), or answered 200 with every record abnormal; either way nothing stored but the nonce.
        var refused = new List<Mutation>();
        var body = Body(Record());
        // (A key given twice keeps its last value in the push, as documented: the duplicate below makes that value empty.)
        refused.AddRange(Mutations.ForJsonBody(body, random, HostileWorld.MaxPushBytes, checksTypes: false)
            .Where(m => m.MustRefuse && m.ContentType == "application/json" && !m.Name.StartsWith("duplicate key", StringComparison.Ordinal)));
        refused.Add(new("usage_records duplicated, the last empty", true, Encoding.UTF8.GetBytes($"{{\"usage_records\":[{Record().ToJsonString()}],\"usage_records\":[]}}"), "application/json"));
        foreach (var w in new[] { "\"x\"", "1", "{}", "null", "[1]", "[\"x\"]", "[[]]", "[]" })
            refused.Add(new($"usage_records = {w}", true, Encoding.UTF8.GetBytes($"{{\"usage_records\":{w}}}"), "application/json"));
        refused.Add(new("1001 records", true, Encoding.UTF8.GetBytes(Body([.. Enumerable.Range(0, 1001).Select(_ => Record())]).ToJsonString()), "application/json"));
        foreach (var field in Record().Select(p => p.Key).ToList())
        {
            // (A metering_sn is the seller's opaque text: "../../x" is a fine one.)
            foreach (var w in new[] { "{}", "[]", "true", "\"\"", "\"\\u0000\"", "\"\\u202e1\"", "\"../../x\"", $"\"{new string('7', 100_000)}\"" }.Where(w => field != "metering_sn" || w != "\"../../x\""))
                refused.Add(new($"record.{field} = {Shorten(w, 20)}", true, Mutations.Replace(Body(Record()), ["usage_records", 0, field], w), "application/json"));
        }

        foreach (var w in new[] { "1e309", "\"NaN\"", "\"Infinity\"", "\"-1\"", "-1", "\"7.9e28\"", "1e20", "\"1e309\"", "\"0x10\"", "\"1,5\"", "1e-400" })
            refused.Add(new($"usage_value = {w}", true, Mutations.Replace(Body(Record()), ["usage_records", 0, "usage_value"], w), "application/json"));
        foreach (var w in new[] { "\"99999999T999999Z\"", "\"20260230T000000Z\"", "\"2026-01-01T00:00:00Z\"", "\"-1\"", "\"10000101T000000Z\"" })
            refused.Add(new($"begin_time = {w}", true, Mutations.Replace(Body(Record()), ["usage_records", 0, "begin_time"], w), "application/json"));

        var before = await StorageFingerprint.TakeAsync(world.Prefix, includeNonces: false);
        foreach (var m in refused)
        {
            var answer = await Answer.SendAsync(world.Anonymous, SignedPush(m.Body!, m.Chunked));
            sent++;
            if (answer.Status == 200)
            {
                var accepted = JsonNode.Parse(answer.Body)?["accepted_count"]?.GetValue<int>();
                if (accepted != 0) failures.Add($"{push} {m.Name}: accepted {accepted} record(s)");
            }
            else
            {
                Check(push, m, answer, failures);
            }
        }

        foreach (var change in (await StorageFingerprint.TakeAsync(world.Prefix, includeNonces: false)).Since(before))
            failures.Add($"{push}: a refused body changed storage: {change}");

        // Other seller-server bodies (license activation): signed, so they reach the parser; refused whole.
        var validPush = Encoding.UTF8.GetBytes(Body(Record()).ToJsonString());
        before = await StorageFingerprint.TakeAsync(world.Prefix, includeNonces: false);
        foreach (var rule in RouteTable.Rules.Where(r => r.Access == Access.SellerServer && r != push && r.JsonBody(world) is not null))
        {
            foreach (var m in Mutations.ForJsonBody(rule.JsonBody(world)!, new Random(Seed(rule.ToString())), HostileWorld.MaxBodyBytes)
                         .Where(m => m.MustRefuse && m.ContentType == "application/json"))
            {
                var request = SecurityWorld.Signed(HttpMethod.Post, rule.PathFor(world), world.AccessKeyA, Encoding.UTF8.GetString(m.Body!));
                request.Content = Content(m.Body!, m.ContentType, m.Chunked);
                Check(rule, m, await Answer.SendAsync(world.Anonymous, request), failures);
                sent++;
            }
        }

        foreach (var change in (await StorageFingerprint.TakeAsync(world.Prefix, includeNonces: false)).Since(before))
            failures.Add($"seller-server routes: a refused body changed storage: {change}");

        // Headers: every bad ts, nonce or signature is 401 and claims no nonce (nonce tables included this time).
        before = await StorageFingerprint.TakeAsync(world.Prefix);
        foreach (var (name, headers) in HostileHeaders())
        {
            foreach (var (rule, request) in RouteTable.Rules.Where(r => r.Access == Access.SellerServer)
                         .Select(r => (r, r == push ? SignedPush(validPush, false) : r.Signed(world, world.AccessKeyA))))
            {
                foreach (var (k, v) in headers)
                {
                    request.Headers.Remove(k);
                    request.Headers.TryAddWithoutValidation(k, v);
                }

                var answer = await Answer.SendAsync(world.Anonymous, request);
                sent++;
                if (answer.Status != 401 || !answer.IsProblem) failures.Add($"{rule} {name}: expected 401, got {answer} {Shorten(answer.Body)}");
            }
        }

        // The order query's orderId.
        foreach (var value in Mutations.PathValues.Concat(["", "%00", "%20", "a&orderId=b", "ORD%0D%0AX-Injected:%201"]))
        {
            var answer = await Answer.SendAsync(world.Anonymous, SecurityWorld.Signed(HttpMethod.Get, "/api/mkp-openapi-public/global/v1/order/query?orderId=" + value, world.AccessKeyA, ""));
            sent++;
            Check(query, new Mutation($"orderId = {Shorten(value, 30)}", true, null, null), answer, failures);
        }

        foreach (var change in (await StorageFingerprint.TakeAsync(world.Prefix)).Since(before))
            failures.Add($"seller-server routes: a refused request changed storage: {change}");

        // Tolerated: extra and odd fields, another content type; never 5xx.
        foreach (var m in Mutations.ForJsonBody(Body(Record()), random, HostileWorld.MaxPushBytes, checksTypes: false).Where(m => !m.MustRefuse)
                     .Append(new("text/plain", false, validPush, "text/plain")))
        {
            var answer = await Answer.SendAsync(world.Anonymous, SignedPush(m.Body!, false, m.ContentType));
            sent++;
            if (answer.Status != 200) Check(push, m, answer, failures);
        }

        return sent;
    }

    private HttpRequestMessage SignedPush(byte[] body, bool chunked, string? contentType = "application/json")
    {
        // Signed over the body's bytes read as UTF-8 (what a seller's server would sign), so the parser is reached.
        var request = world.Push(Encoding.UTF8.GetString(body), world.AccessKeyA);
        request.Content = Content(body, contentType, chunked);
        return request;
    }

    private static IEnumerable<(string Name, Dictionary<string, string> Headers)> HostileHeaders()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        foreach (var ts in new[] { "", "-1", "0", "1e309", "99999999999999999999999", "0x1F", "\u0661\u0662\u0663", now + ".5", " " + now, "NaN" })
            yield return ($"ts = '{Shorten(ts, 25)}'", new() { ["ts"] = ts });
        foreach (var nonce in new[] { new string('n', 2000), "../x", "a b", "\u00f1once", "%00" })
            yield return ($"nonce = '{Shorten(nonce, 25)}'", new() { ["nonce"] = nonce });
        foreach (var signature in new[] { "", "!!!not-base64!!!", new string('A', 100_000), Convert.ToHexString(new byte[32]) })
            yield return ($"signature = '{Shorten(signature, 25)}'", new() { ["signature"] = signature });
    }

    private static string QueryPath(string orderId) => "/api/mkp-openapi-public/global/v1/order/query?orderId=" + Uri.EscapeDataString(orderId);

    private Task<Answer> SendAsync(RouteRule rule, Mutation m)
    {
        var request = new HttpRequestMessage(new HttpMethod(rule.Method), m.Path ?? rule.PathFor(world));
        if (m.Body is not null) request.Content = Content(m.Body, m.ContentType, m.Chunked);
        return Answer.SendAsync(ClientFor(rule), request);
    }

    private HttpClient ClientFor(RouteRule rule) => rule.Access != Access.People ? world.Anonymous : world.ClientOf(rule.Allowed[0] switch
    {
        Role.Buyer => Party.BuyerA,
        Role.Seller => Party.SellerA,
        Role.Ops => Party.Ops,
        _ => Party.Reviewer,
    });

    private static HttpContent Content(byte[] body, string? contentType, bool chunked)
    {
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static void Check(RouteRule rule, Mutation m, Answer answer, List<string> failures)
    {
        var ok = answer.Status < 500 && (answer.Status < 400 || (answer.IsProblem && CodeShape.IsMatch(answer.Code!)));
        if (m.MustRefuse) ok &= answer.Status is >= 400 and < 500;
        if (!ok) failures.Add($"{rule} {m.Name}: {(m.MustRefuse ? "expected a 4xx problem" : "expected no 5xx")}, got {answer} {Shorten(answer.Body)}");
    }

    private static int Seed(string text)
    {
        var hash = 2166136261u; // FNV-1a: the same seed on every run and machine
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7fffffff);
    }

    private static string Shorten(string text, int max = 240) => text.Length <= max ? text : text[..max] + "…";

    /// <summary>A body sent without Content-Length (chunked), so the server cannot refuse it by its declared size.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

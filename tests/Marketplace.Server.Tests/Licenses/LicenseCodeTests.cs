using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.FakeSeller;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Server.Tests.SellerCalls;
using static Marketplace.Server.Tests.Licenses.LicenseMarket;

namespace Marketplace.Server.Tests.Licenses;

/// <summary>
/// License 2.0 codes end to end, over HTTP, with the fake seller as the seller's server (it activates the code and
/// answers the platform's calls, checking their signatures itself).
/// </summary>
public sealed class LicenseCodeTests(LicenseApp server) : IClassFixture<LicenseApp>
{
    private static async Task<JsonArray> ArrayAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!.AsArray();
    }

    private static JsonObject Info(JsonObject answer) => JsonNode.Parse(answer["data"]!["license_code_info"]!.GetValue<string>())!.AsObject();

    [Fact]
    public async Task A_license_2_case_runs_from_the_order_to_completed_through_the_sellers_activation()
    {
        await using var m = await server.MarketAsync();
        var bought = await m.BuyAsync(periodMonths: 12);
        Assert.Equal("LC" + bought.OrderId, bought.LicenseId);

        // Issued with the paid order; the buyer and the seller see it, nobody else.
        var issued = await m.LicenseAsync(bought.LicenseId);
        Assert.Equal("issued", issued["status"]!.GetValue<string>());
        var code = issued["code"]!.GetValue<string>();
        Assert.Matches("^PL[A-Z2-9]{24}$", code);
        Assert.Equal(code, (await m.LicenseAsync(bought.LicenseId, m.Saas.Seller))["code"]!.GetValue<string>());
        var stranger = await server.App.ClientAsAsync("buyer-9", "buyer");
        await (await stranger.GetAsync($"/api/licenses/{bought.LicenseId}")).ProblemAsync(404, "license.not-found");
        Assert.Empty(await ArrayAsync(await stranger.GetAsync("/api/licenses")));
        var mine = await ArrayAsync(await m.Saas.Buyer.GetAsync($"/api/licenses?orderId={bought.OrderId}"));
        Assert.Equal(bought.LicenseId, Assert.Single(mine)!["licenseId"]!.GetValue<string>());

        // Before the buyer received it the code cannot be activated (P39: 92020004); nothing changes.
        await m.Saas.Seller.PostAsJsonAsync($"/api/cases/{bought.CaseId}/delivery", new { });
        var early = await (await m.Saas.Fake.ActivateLicenseAsync(m.Anonymous, code)).ProblemAsync(409, "license.not-received");
        Assert.Equal("92020004", early["error_code"]!.GetValue<string>());
        Assert.Equal("AwaitingUserAcceptance", State(await m.CaseAsync(bought.CaseId)));

        Assert.Equal("LicenseActivation", State(await (await m.Saas.Buyer.PostAsJsonAsync($"/api/cases/{bought.CaseId}/acceptance", new { decision = "accept" })).JsonAsync()));
        await m.WaitForLicenseAsync(bought.LicenseId, l => l["status"]!.GetValue<string>() == "received", "the code to be received");

        // The seller's software activates it: the case passes LicenseActivation, the start time is the activation time.
        var before = DateTimeOffset.UtcNow;
        var answer = await (await m.Saas.Fake.ActivateLicenseAsync(m.Anonymous, code)).JsonAsync();
        Assert.Equal("92020000", answer["error_code"]!.GetValue<string>());
        var info = Info(answer);
        Assert.Equal("ALIVE", info["status"]!.GetValue<string>());
        Assert.Equal(bought.OrderId, info["order_id"]!.GetValue<string>());

        var license = await m.LicenseAsync(bought.LicenseId);
        Assert.Equal("alive", license["status"]!.GetValue<string>());
        var activatedAt = license["activatedAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(activatedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.Equal(activatedAt.AddMonths(12), license["expireTime"]!.GetValue<DateTimeOffset>());
        Assert.Equal(activatedAt.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture), info["activate_time"]!.GetValue<string>());

        var activated = await m.CaseAsync(bought.CaseId);
        Assert.Equal("SellerUploadProof", State(activated));
        Assert.Equal(activatedAt, activated["actualStartTime"]!.GetValue<DateTimeOffset>());
        Assert.Single(Actions(activated), a => a == "license.activated");
        var order = await m.Saas.GetOrderAsync(bought.OrderId);
        Assert.Equal(activatedAt, order["validFrom"]!.GetValue<DateTimeOffset>());
        Assert.Equal(activatedAt.AddMonths(12), order["expiresAt"]!.GetValue<DateTimeOffset>());

        // The proof completes a standard order; the order follows with the activation time as its actual start time.
        Assert.Equal("Completed", State(await m.ProofAsync(bought.CaseId)));
        var completed = await m.Saas.WaitForStatusAsync(bought.OrderId, "completed");
        Assert.Equal(activatedAt, completed["validFrom"]!.GetValue<DateTimeOffset>());
        Assert.Equal(activatedAt.AddMonths(12), completed["expiresAt"]!.GetValue<DateTimeOffset>());
        var followed = await m.WaitForLicenseAsync(bought.LicenseId, l => l["supervision"]?.GetValue<string>() == "completed", "the code to follow the completion");
        Assert.Equal("alive", followed["status"]!.GetValue<string>());
        Assert.True(followed["timelineVerified"]!.GetValue<bool>());
        Assert.Empty(m.Saas.Fake.Requests); // activation is the seller's own call: no call goes back to the seller
    }

    [Fact]
    public async Task Bad_signatures_stale_timestamps_reused_nonces_and_other_sellers_are_refused_and_change_nothing()
    {
        await using var m = await server.MarketAsync();
        await using var other = await server.MarketAsync();
        var bought = await m.BuyAsync();
        await m.DeliverAndReceiveAsync(bought.CaseId);
        var code = await m.CodeAsync(bought.LicenseId);
        var fake = m.Saas.Fake;

        await (await fake.ActivateLicenseAsync(m.Anonymous, code, key: "not-the-key")).ProblemAsync(401, "auth.bad-signature");
        await (await other.Saas.Fake.ActivateLicenseAsync(m.Anonymous, code)).ProblemAsync(401, "auth.bad-signature"); // another seller's code
        await (await fake.ActivateLicenseAsync(m.Anonymous, code, ts: DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds())).ProblemAsync(401, "auth.stale-timestamp");
        await (await fake.ActivateLicenseAsync(m.Anonymous, code, nonce: "not/a/nonce")).ProblemAsync(401, "auth.bad-nonce");
        // A nonce the seller already used (here on the order query) is refused, even on another route.
        var nonce = Guid.NewGuid().ToString("N");
        await (await m.Anonymous.SendAsync(SaasMarket.SignedGet($"/api/mkp-openapi-public/global/v1/order/query?orderId={bought.OrderId}", m.Saas.AccessKey, nonce: nonce))).JsonAsync();
        await (await fake.ActivateLicenseAsync(m.Anonymous, code, nonce: nonce)).ProblemAsync(401, "auth.nonce-reused");
        using (var unsigned = new HttpRequestMessage(HttpMethod.Post, FakeSellerServer.ActivatePath) { Content = JsonContent.Create(new { license = code }) })
            await (await m.Anonymous.SendAsync(unsigned)).ProblemAsync(401, "auth.unauthenticated");

        var unknown = await (await fake.ActivateLicenseAsync(m.Anonymous, "PLNOSUCHCODE2345678923456")).ProblemAsync(404, "license.not-found");
        Assert.Equal("92020005", unknown["error_code"]!.GetValue<string>());
        Assert.Equal("license code notexist", unknown["error_msg"]!.GetValue<string>());
        var malformed = await (await fake.ActivateLicenseAsync(m.Anonymous, code, body: "{\"licence\":\"x\"}")).ProblemAsync(400, "validation.failed");
        Assert.Equal("92020002", malformed["error_code"]!.GetValue<string>());
        var beforeOrder = await (await fake.ActivateLicenseAsync(m.Anonymous, code, realEffectTime: "20200101000000")).ProblemAsync(422, "validation.failed");
        Assert.Equal("92020002", beforeOrder["error_code"]!.GetValue<string>());

        // Nothing changed.
        var untouched = await m.CaseAsync(bought.CaseId);
        Assert.Equal("LicenseActivation", State(untouched));
        Assert.DoesNotContain("license.activated", Actions(untouched));
        Assert.Equal("received", (await m.WaitForLicenseAsync(bought.LicenseId, l => l["receivedAt"] is not null, "the receipt"))["status"]!.GetValue<string>());
        Assert.Null((await m.Saas.GetOrderAsync(bought.OrderId))["validFrom"]);

        // A good request activates once; a second activation (a new nonce, even another time) answers the first result.
        var first = await (await fake.ActivateLicenseAsync(m.Anonymous, code)).JsonAsync();
        await Task.Delay(1100);
        var again = await (await fake.ActivateLicenseAsync(m.Anonymous, code, realEffectTime: DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture))).JsonAsync();
        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        var activated = await m.CaseAsync(bought.CaseId);
        Assert.Single(Actions(activated), a => a == "license.activated");
        Assert.Equal("SellerUploadProof", State(activated));

        // The same signed request replayed is a replay: refused.
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var replayNonce = Guid.NewGuid().ToString("N");
        await (await fake.ActivateLicenseAsync(m.Anonymous, code, ts: ts, nonce: replayNonce)).JsonAsync();
        await (await fake.ActivateLicenseAsync(m.Anonymous, code, ts: ts, nonce: replayNonce)).ProblemAsync(401, "auth.nonce-reused");

        // The manual fallback cannot activate a second time either.
        await (await m.Saas.Ops.PostAsJsonAsync($"/api/cases/{bought.CaseId}/license-activation", new { })).ProblemAsync(409, "case.invalid-transition");
    }

    [Fact]
    public async Task The_operations_managers_manual_activation_moves_the_code_and_the_order_too()
    {
        await using var m = await server.MarketAsync();
        var bought = await m.BuyAsync(periodMonths: 3);
        await m.DeliverAndReceiveAsync(bought.CaseId);
        var activatedAt = DateTimeOffset.UtcNow; // after the order, not in the future
        var byHand = await (await m.Saas.Ops.PostAsJsonAsync($"/api/cases/{bought.CaseId}/license-activation", new { activatedAt })).JsonAsync();
        Assert.Equal("SellerUploadProof", State(byHand));

        var license = await m.WaitForLicenseAsync(bought.LicenseId, l => l["status"]!.GetValue<string>() == "alive", "the code to follow the manual activation");
        Assert.Equal(activatedAt.ToUnixTimeMilliseconds(), license["activatedAt"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());
        var order = await m.Saas.WaitForOrderAsync(bought.OrderId, o => o["validFrom"] is not null, "the order's start time");
        Assert.Equal(activatedAt.ToUnixTimeMilliseconds(), order["validFrom"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());

        // The seller's software activating afterwards is told the (first) activation stands (here naming the code licenseCode).
        var code = license["code"]!.GetValue<string>();
        var answer = await (await m.Saas.Fake.ActivateLicenseAsync(m.Anonymous, code, body: $"{{\"licenseCode\":\"{code}\"}}")).JsonAsync();
        Assert.Equal(activatedAt.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture), Info(answer)["activate_time"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refresh_status_and_release_calls_reach_the_seller_signed_one_at_a_time_and_a_failing_seller_is_retried()
    {
        await using var m = await server.MarketAsync();
        var bought = await m.CompletedAsync();
        var code = await m.CodeAsync(bought.LicenseId);
        var fake = m.Saas.Fake;
        var license = await m.LicenseAsync(bought.LicenseId);
        var expire = license["expireTime"]!.GetValue<DateTimeOffset>();

        // Only ops freeze; the seller's server fails the FREEZE twice and is retried (1 s, then 2 s) until it answers.
        await (await m.Saas.Buyer.PostAsJsonAsync($"/api/licenses/{bought.LicenseId}/status", new { status = "FREEZE" })).ProblemAsync(403, "auth.forbidden");
        fake.SetScenarioForActivity("updateLicenseCodeStatus", FakeScenario.FailTimes(2));
        var frozen = await (await m.Saas.Ops.PostAsJsonAsync($"/api/licenses/{bought.LicenseId}/status", new { status = "FREEZE", reason = "expired beyond the grace period" })).JsonAsync(202);
        Assert.Equal("frozen", frozen["status"]!.GetValue<string>());

        // The renewal (which also unfreezes) waits behind the FREEZE: calls about one code never overtake each other.
        var until = expire.AddMonths(12);
        var renewed = await (await m.Saas.Buyer.PostAsJsonAsync($"/api/licenses/{bought.LicenseId}/renewal", new { expireTime = until })).JsonAsync(202);
        Assert.Equal("alive", renewed["status"]!.GetValue<string>());
        Assert.Equal(until, renewed["expireTime"]!.GetValue<DateTimeOffset>());

        var all = await fake.WaitForAsync(r => r.Field("license") == code && r.ResultCode == "000000", 3, TimeSpan.FromSeconds(30), "FREEZE, refresh and UNFREEZE answered");
        var received = fake.Requests.Where(r => r.Field("license") == code).ToList();
        Assert.All(received, r => Assert.True(r.Verified, r.VerificationError));
        Assert.Equal(
            ["updateLicenseCodeStatus", "updateLicenseCodeStatus", "updateLicenseCodeStatus", "refreshLicenseCode", "updateLicenseCodeStatus"],
            received.Select(r => r.Activity));
        Assert.Equal(["000005", "000005", "000000"], received.Take(3).Select(r => r.ResultCode));
        Assert.Equal(["FREEZE", "FREEZE", "FREEZE"], received.Take(3).Select(r => r.Field("status")));
        var refresh = received[3];
        Assert.Equal("RENEWAL", refresh.Field("scene"));
        Assert.Equal(until.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture), refresh.Field("expireTime"));
        Assert.NotEqual(bought.OrderId, refresh.Field("orderId"));
        Assert.Equal(refresh.Field("orderId") + "-000001", refresh.Field("orderLineId"));
        Assert.Equal("UNFREEZE", received[4].Field("status"));
        Assert.Equal("Active", fake.FindLicense(code)!.Status);
        Assert.Equal(refresh.Field("expireTime"), fake.FindLicense(code)!.ExpireTime);
        Assert.NotEmpty(all);

        // The seller's production interface messages show the calls, the FREEZE with its three attempts.
        var calls = await m.Saas.CallsAsync(bought.OrderId);
        var freeze = calls.Single(c => c!["activity"]!.GetValue<string>() == "updateLicenseCodeStatus" && c["attempts"]!.GetValue<int>() == 3)!;
        Assert.Equal("succeeded", freeze["status"]!.GetValue<string>());
        Assert.Equal(code, freeze["instanceId"]!.GetValue<string>());

        // The buyer unsubscribes: releaseLicenseCode with the unsubscribe order's ids; releasing twice is refused.
        var released = await (await m.Saas.Buyer.PostAsJsonAsync($"/api/licenses/{bought.LicenseId}/release", new { })).JsonAsync(202);
        Assert.Equal("released", released["status"]!.GetValue<string>());
        var release = (await fake.WaitForAsync(r => r.Activity == "releaseLicenseCode" && r.Field("license") == code, 1))[0];
        Assert.True(release.Verified, release.VerificationError);
        Assert.Equal(release.Field("orderId") + "-000001", release.Field("orderLineId"));
        Assert.Equal("Released", fake.FindLicense(code)!.Status);
        await (await m.Saas.Ops.PostAsJsonAsync($"/api/licenses/{bought.LicenseId}/release", new { })).ProblemAsync(409, "license.invalid-state");
        var done = await m.WaitForLicenseAsync(bought.LicenseId, l => l["activeCallId"] is null, "the queue to empty");
        Assert.Equal(["freeze", "renewal", "unfreeze", "release"], done["changes"]!.AsArray().Select(c => c!["kind"]!.GetValue<string>()));

        // A released code answers its activation as RELEASED (it keeps its first activation).
        Assert.Equal("RELEASED", Info(await (await fake.ActivateLicenseAsync(m.Anonymous, code)).JsonAsync())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Closing_the_case_releases_an_activated_code_at_the_seller()
    {
        await using var m = await server.MarketAsync();
        var bought = await m.BuyAsync();
        await m.DeliverAndReceiveAsync(bought.CaseId);
        var code = await m.CodeAsync(bought.LicenseId);
        await (await m.Saas.Fake.ActivateLicenseAsync(m.Anonymous, code)).JsonAsync();
        await (await m.Saas.Buyer.PostAsJsonAsync($"/api/licenses/{bought.LicenseId}/release", new { })).ProblemAsync(409, "license.invalid-state"); // still supervised

        var appeal = await (await m.Saas.Buyer.PostAsJsonAsync($"/api/cases/{bought.CaseId}/appeals", new { reason = "The software never worked." })).JsonAsync(201);
        await (await m.Saas.Ops.PostAsJsonAsync($"/api/appeals/{appeal["appealId"]!.GetValue<string>()}/resolution", new { outcome = "close", note = "Refunded after a call with both." })).JsonAsync();

        var released = await m.WaitForLicenseAsync(bought.LicenseId, l => l["status"]!.GetValue<string>() == "released", "the code to be released");
        Assert.Equal("closed", released["supervision"]!.GetValue<string>());
        var release = (await m.Saas.Fake.WaitForAsync(r => r.Activity == "releaseLicenseCode" && r.Field("license") == code, 1))[0];
        Assert.True(release.Verified, release.VerificationError);
        Assert.Null(release.Field("orderId"));
    }

    [Fact]
    public async Task An_activation_while_an_appeal_freezes_the_case_is_refused_as_an_illegal_state()
    {
        await using var m = await server.MarketAsync();
        var bought = await m.BuyAsync();
        await m.DeliverAndReceiveAsync(bought.CaseId);
        await (await m.Saas.Seller.PostAsJsonAsync($"/api/cases/{bought.CaseId}/appeals", new { reason = "The buyer does not install the software." })).JsonAsync(201);

        var refused = await (await m.Saas.Fake.ActivateLicenseAsync(m.Anonymous, await m.CodeAsync(bought.LicenseId))).ProblemAsync(409, "case.frozen");
        Assert.Equal("92020003", refused["error_code"]!.GetValue<string>());
        Assert.Equal("received", (await m.LicenseAsync(bought.LicenseId))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_license_routes()
    {
        using var client = server.App.CreateClient();
        var doc = await (await client.GetAsync("/api/openapi.json")).JsonAsync();
        var paths = doc["paths"]!.AsObject();
        foreach (var route in new[]
                 {
                     "/api/mkp-openapi-public/global/v1/license/activate", "/api/licenses", "/api/licenses/{licenseId}",
                     "/api/licenses/{licenseId}/renewal", "/api/licenses/{licenseId}/status", "/api/licenses/{licenseId}/release",
                 })
            Assert.True(paths.ContainsKey(route), $"{route} is missing from the OpenAPI document");
        Assert.Contains("92020005", paths["/api/mkp-openapi-public/global/v1/license/activate"]!["post"]!["description"]!.GetValue<string>());
    }
}

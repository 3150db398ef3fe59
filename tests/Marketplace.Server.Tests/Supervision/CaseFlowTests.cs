using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.Supervision;

/// <summary>Supervision cases end to end over HTTP on Azurite, with real timers (windows set to seconds).</summary>
public sealed class CaseFlowTests
{
    private static string State(JsonObject c) => c["state"]!.GetValue<string>();

    private static IEnumerable<string> Actions(JsonObject c) => c["timeline"]!.AsArray().Select(t => t!["action"]!.GetValue<string>());

    [Fact]
    public async Task Standard_flow_runs_from_order_to_completed_and_the_order_follows()
    {
        await using var app = new MarketplaceApp();
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var caseId = await m.CaseAsync();

        Assert.Equal("AwaitingRequirement", State(await m.GetCaseAsync(caseId, m.Buyer)));
        Assert.Equal("AwaitingRequirementConfirmation", State(await m.SubmitRequirementAsync(caseId)));
        Assert.Equal("SellerImplementing", State(await m.ConfirmRequirementAsync(caseId)));

        var pdf = "%PDF-1.7\n"u8.ToArray().Concat(Enumerable.Range(0, 300_000).Select(i => (byte)(i % 251))).ToArray();
        var reportId = await m.UploadReportAsync(caseId, "acceptance-report.pdf", pdf);
        var orderId = (await m.GetCaseAsync(caseId))["orderId"]!.GetValue<string>();
        var placedAt = (await (await m.Buyer.GetAsync($"/api/orders/{orderId}")).JsonAsync())["placedAt"]!.GetValue<DateTimeOffset>();
        var delivered = await Market.OkAsync(m.Seller.PostAsJsonAsync($"/api/cases/{caseId}/delivery",
            new { reportIds = new[] { reportId }, actualStartTime = placedAt }));
        Assert.Equal("AwaitingUserAcceptance", State(delivered));

        // The buyer downloads exactly what the seller uploaded, with an ETag.
        var download = await m.Buyer.GetAsync($"/api/cases/{caseId}/reports/{reportId}");
        Assert.True(download.IsSuccessStatusCode);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.NotNull(download.Headers.ETag);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);

        var done = await m.AcceptAsync(caseId);
        Assert.Equal("Completed", State(done));
        Assert.True(done["timelineVerified"]!.GetValue<bool>());
        Assert.Equal(
            ["case.opened", "requirement.submitted", "requirement.confirmed", "report.uploaded", "delivery.submitted", "acceptance.accepted", "case.completed"],
            Actions(done).Take(7).ToArray());
        var uploaded = done["timeline"]!.AsArray().First(t => t!["action"]!.GetValue<string>() == "report.uploaded")!;
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)), uploaded["reason"]!.GetValue<string>());
        Assert.Equal("buyer", done["timeline"]!.AsArray().Single(t => t!["action"]!.GetValue<string>() == "acceptance.accepted")!["role"]!.GetValue<string>());

        Assert.Equal(placedAt, done["actualStartTime"]!.GetValue<DateTimeOffset>());
        var order = await Market.EventuallyAsync(async () => await (await m.Buyer.GetAsync($"/api/orders/{orderId}")).JsonAsync(),
            o => o["status"]!.GetValue<string>() == "completed", what: "the order to follow the completed case");
        Assert.NotNull(order["expiresAt"]);
        var synced = await Market.EventuallyAsync(() => m.GetCaseAsync(caseId), c => Actions(c).Contains("order.synced"), what: "the case to record the order sync");
        Assert.True(synced["timelineVerified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Three_rejections_then_seller_appeal_freezes_the_case_until_ops_resume()
    {
        await using var app = new MarketplaceApp();
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var caseId = await m.CaseAsync("appOrchestration"); // enters at SellerImplementing

        for (var i = 1; i <= 3; i++)
        {
            await m.DeliverAsync(caseId);
            var rejected = await m.RejectAsync(caseId, $"Rejection number {i}");
            Assert.Equal(i, rejected["rejectionCount"]!.GetValue<int>());
            Assert.Equal("SellerImplementing", State(rejected));
        }

        // Seed 000: the seller's 4th operation after 3 rejections may be an appeal.
        var c = await m.GetCaseAsync(caseId, m.Seller);
        Assert.True(c["appealEligibility"]!["seller"]!["eligible"]!.GetValue<bool>());
        var appeal = await (await m.Seller.PostAsJsonAsync($"/api/cases/{caseId}/appeals",
            new { reason = "The buyer rejects every delivery without pointing at a defect." })).JsonAsync(201);
        var appealId = appeal["appealId"]!.GetValue<string>();

        var frozen = await m.GetCaseAsync(caseId);
        Assert.True(frozen["frozen"]!.GetValue<bool>());
        var reportId = await FrozenUploadFailsAsync(m, caseId);
        Assert.Null(reportId);
        await (await m.Seller.PostAsJsonAsync($"/api/cases/{caseId}/delivery", new { reportIds = new[] { "x" } })).ProblemAsync(409, "case.frozen");
        await (await m.Seller.PostAsJsonAsync($"/api/cases/{caseId}/appeals", new { reason = "again" })).ProblemAsync(409, "appeal.already-open");

        var queue = await (await m.Ops.GetAsync("/api/appeals?status=open")).Content.ReadFromJsonAsync<JsonArray>();
        Assert.Equal(appealId, Assert.Single(queue!)!["appealId"]!.GetValue<string>());

        var resumed = await Market.OkAsync(m.Ops.PostAsJsonAsync($"/api/appeals/{appealId}/resolution",
            new { outcome = "resume", note = "Called both parties; the seller delivers once more with test evidence." }));
        Assert.False(resumed["frozen"]!.GetValue<bool>());
        Assert.Equal("SellerImplementing", State(resumed));
        Assert.Equal(3, resumed["rejectionCount"]!.GetValue<int>());

        await m.DeliverAsync(caseId);
        var done = await m.AcceptAsync(caseId);
        Assert.Equal("Completed", State(done));
        Assert.Empty((await (await m.Ops.GetAsync("/api/appeals?status=open")).Content.ReadFromJsonAsync<JsonArray>())!);
    }

    private static async Task<string?> FrozenUploadFailsAsync(Market m, string caseId)
    {
        using var content = new ByteArrayContent("%PDF"u8.ToArray());
        content.Headers.ContentType = new("application/pdf");
        await (await m.Seller.PutAsync($"/api/cases/{caseId}/reports/late.pdf", content)).ProblemAsync(409, "case.frozen");
        return null;
    }

    [Fact]
    public async Task Buyer_may_appeal_once_the_seller_step_stalls_past_the_window()
    {
        await using var app = new MarketplaceApp(new Dictionary<string, string?> { ["Supervision:StallWindow"] = "00:00:03" });
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var caseId = await m.CaseAsync("appOrchestration");

        var before = await m.GetCaseAsync(caseId, m.Buyer);
        var buyer = before["appealEligibility"]!["buyer"]!;
        Assert.False(buyer["eligible"]!.GetValue<bool>());
        var from = buyer["from"]!.GetValue<DateTimeOffset>();
        Assert.Equal(before["stateEnteredAt"]!.GetValue<DateTimeOffset>().AddSeconds(3), from);
        await (await m.Buyer.PostAsJsonAsync($"/api/cases/{caseId}/appeals", new { reason = "No answer" })).ProblemAsync(409, "appeal.not-eligible");

        // The stall timer fires by itself (no one polls): the timeline records it.
        var stalled = await Market.EventuallyAsync(() => m.GetCaseAsync(caseId, m.Buyer), c => Actions(c).Contains("stall.window-elapsed"),
            what: "the stall timer to fire");
        Assert.True(stalled["appealEligibility"]!["buyer"]!["eligible"]!.GetValue<bool>());

        var appeal = await (await m.Buyer.PostAsJsonAsync($"/api/cases/{caseId}/appeals",
            new { reason = "The seller has not started after the window.", demands = "Refund" })).JsonAsync(201);
        Assert.Equal("buyer", appeal["initiator"]!.GetValue<string>());
        var closed = await Market.OkAsync(m.Ops.PostAsJsonAsync($"/api/appeals/{appeal["appealId"]!.GetValue<string>()}/resolution",
            new { outcome = "close", note = "Seller unreachable; order closed and refunded." }));
        Assert.Equal("Closed", State(closed));
    }

    [Fact]
    public async Task Platform_review_rejects_back_to_the_seller_then_approves()
    {
        await using var app = new MarketplaceApp();
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var caseId = await m.CaseAsync("appOrchestration", scenario: "enablementCloud");

        Assert.Equal("PlatformReview", State(await m.DeliverAsync(caseId)));
        await (await m.Buyer.PostAsJsonAsync($"/api/cases/{caseId}/acceptance", new { decision = "accept" })).ProblemAsync(409, "case.invalid-transition");

        var rejected = await Market.OkAsync(m.Reviewer.PostAsJsonAsync($"/api/cases/{caseId}/review",
            new { decision = "reject", reason = "The report is not signed by the customer." }));
        Assert.Equal("SellerImplementing", State(rejected));
        Assert.Equal("The report is not signed by the customer.", rejected["timeline"]!.AsArray().Last()!["reason"]!.GetValue<string>());

        Assert.Equal("PlatformReview", State(await m.DeliverAsync(caseId)));
        var approved = await Market.OkAsync(m.Reviewer.PostAsJsonAsync($"/api/cases/{caseId}/review", new { decision = "approve" }));
        Assert.Equal("AwaitingUserAcceptance", State(approved));
        Assert.Equal("Completed", State(await m.AcceptAsync(caseId)));
    }

    [Fact]
    public async Task Hardware_is_auto_accepted_after_the_courier_sign_off_when_the_phone_matches()
    {
        await using var app = new MarketplaceApp(new Dictionary<string, string?> { ["Supervision:HardwareAutoAcceptAfterSignOff"] = "00:00:02" });
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var caseId = await m.CaseAsync("hardware", shipping: new { recipient = "Li Wei", phone = "+86 138 0000 1111", address = "1 Century Ave, Shanghai" });
        Assert.Equal("SellerImplementing", State(await m.GetCaseAsync(caseId)));

        await (await m.Seller.PostAsJsonAsync($"/api/cases/{caseId}/delivery", new { reportIds = Array.Empty<string>() }))
            .ProblemAsync(422, "delivery.logistics-required");
        var shipped = await Market.OkAsync(m.Seller.PostAsJsonAsync($"/api/cases/{caseId}/delivery",
            new { logistics = new { carrier = "SF Express", trackingNo = "SF1234567890", recipientPhone = "13800001111" } }));
        Assert.Equal("AwaitingUserAcceptance", State(shipped));

        await Market.OkAsync(m.Ops.PostAsJsonAsync($"/api/cases/{caseId}/courier-sign-off",
            new { signedAt = DateTimeOffset.UtcNow, signerPhone = "138-0000-1111" }));
        var done = await Market.EventuallyAsync(() => m.GetCaseAsync(caseId), c => State(c) == "Completed", what: "the hardware auto-acceptance");
        Assert.Contains("acceptance.auto-accepted", Actions(done));
        Assert.Equal("system", done["timeline"]!.AsArray().Single(t => t!["action"]!.GetValue<string>() == "acceptance.auto-accepted")!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task License_2_case_runs_through_activation_and_proof()
    {
        await using var app = new MarketplaceApp();
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var caseId = await m.CaseAsync("licenseCode");
        Assert.Equal("SellerImplementing", State(await m.GetCaseAsync(caseId)));

        Assert.Equal("AwaitingUserAcceptance", State(await Market.OkAsync(m.Seller.PostAsJsonAsync($"/api/cases/{caseId}/delivery", new { }))));
        Assert.Equal("LicenseActivation", State(await m.AcceptAsync(caseId)));

        var activatedAt = DateTimeOffset.UtcNow; // not before the order (P39), not in the future
        var activated = await Market.OkAsync(m.Ops.PostAsJsonAsync($"/api/cases/{caseId}/license-activation", new { activatedAt }));
        Assert.Equal("SellerUploadProof", State(activated));
        Assert.Equal(activatedAt.ToUnixTimeMilliseconds(), activated["actualStartTime"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());

        var proofId = await m.UploadReportAsync(caseId, "deployment-proof.png", "\x89PNG proof"u8.ToArray(), "image/png");
        Assert.Equal("Completed", State(await Market.OkAsync(m.Seller.PostAsJsonAsync($"/api/cases/{caseId}/proof", new { reportIds = new[] { proofId } }))));
    }

    [Fact]
    public async Task Concurrent_accept_and_reject_have_exactly_one_winner()
    {
        await using var app = new MarketplaceApp();
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var caseId = await m.CaseAsync("appOrchestration");
        await m.DeliverAsync(caseId);

        var accept = m.Buyer.PostAsJsonAsync($"/api/cases/{caseId}/acceptance", new { decision = "accept" });
        var reject = m.Buyer.PostAsJsonAsync($"/api/cases/{caseId}/acceptance", new { decision = "reject", reason = "Not good enough" });
        var results = await Task.WhenAll(accept, reject);

        Assert.Single(results, r => r.IsSuccessStatusCode);
        var loser = Assert.Single(results, r => !r.IsSuccessStatusCode);
        await loser.ProblemAsync(409, "case.invalid-transition");
        var c = await m.GetCaseAsync(caseId);
        Assert.Single(Actions(c), a => a is "acceptance.accepted" or "acceptance.rejected");
        Assert.True(c["timelineVerified"]!.GetValue<bool>());
    }
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.HardwareUnsubscribe;

/// <summary>Hardware unsubscribe end to end over HTTP on Azurite: every path, the yearly quota and both windows.</summary>
public sealed class UnsubscribeFlowTests
{
    private static readonly object Shipping = new { recipient = "Li Lei", phone = "+86 138 0013 8000", address = "1 Zhongguancun Street, Beijing" };

    private static string Status(JsonObject u) => u["status"]!.GetValue<string>();

    private static string Id(JsonObject u) => u["unsubscriptionId"]!.GetValue<string>();

    private static IEnumerable<string> Actions(JsonObject o) => o["timeline"]!.AsArray().Select(t => t!["action"]!.GetValue<string>());

    private static async Task<string> HardwareOrderAsync(Market m, string? productId = null)
    {
        productId ??= await m.ProductAsync("hardware");
        var order = await (await m.Buyer.PostAsJsonAsync("/api/orders", new { productId, periodMonths = 1, shipping = Shipping })).JsonAsync(201);
        return order["orderId"]!.GetValue<string>();
    }

    private static Task<HttpResponseMessage> ApplyAsync(Market m, string orderId, string kind = "notReceived", HttpClient? as_ = null) =>
        (as_ ?? m.Buyer).PostAsJsonAsync($"/api/orders/{orderId}/unsubscriptions", new { kind, reason = "Ordered the wrong model." });

    private static Task<JsonObject> GetAsync(Market m, string id, HttpClient? as_ = null) => Market.OkAsync((as_ ?? m.Ops).GetAsync($"/api/unsubscriptions/{id}"));

    [Fact]
    public async Task Not_received_approved_is_refunded_and_closes_the_case_and_the_order()
    {
        await using var app = new MarketplaceApp();
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var orderId = await HardwareOrderAsync(m);

        var applied = await (await ApplyAsync(m, orderId)).JsonAsync(201);
        var id = Id(applied);
        Assert.Equal("AwaitingSellerReview", Status(applied));
        Assert.Equal("notReceived", applied["kind"]!.GetValue<string>());
        Assert.Equal(1, applied["quota"]!["slot"]!.GetValue<int>());
        Assert.False(applied["appealEligibility"]!["buyer"]!["eligible"]!.GetValue<bool>());
        Assert.Equal(applied["appliedAt"]!.GetValue<DateTimeOffset>() + TimeSpan.FromDays(10), applied["reviewDueAt"]!.GetValue<DateTimeOffset>());

        // Parties see it; another buyer does not; a second application for the same order waits for this one.
        Assert.Equal(id, Id(await GetAsync(m, id, m.Seller)));
        await (await m.OtherBuyer.GetAsync($"/api/unsubscriptions/{id}")).ProblemAsync(404, "unsubscribe.not-found");
        await (await ApplyAsync(m, orderId)).ProblemAsync(409, "unsubscribe.already-open");
        await (await m.Buyer.PostAsJsonAsync($"/api/unsubscriptions/{id}/review", new { decision = "approve" })).ProblemAsync(403, "auth.forbidden");
        var listed = await (await m.Seller.GetAsync("/api/unsubscriptions?status=AwaitingSellerReview")).Content.ReadFromJsonAsync<JsonArray>();
        Assert.Contains(listed!, u => u!["unsubscriptionId"]!.GetValue<string>() == id);

        var approved = await Market.OkAsync(m.Seller.PostAsJsonAsync($"/api/unsubscriptions/{id}/review", new { decision = "approve" }));
        Assert.True(Status(approved) is "Refunding" or "Done");

        var done = await Market.EventuallyAsync(() => GetAsync(m, id, m.Buyer), u => u["caseClosedAt"] is not null, what: "the refund and the case closure");
        Assert.Equal("Done", Status(done));
        Assert.True(done["timelineVerified"]!.GetValue<bool>());
        Assert.Equal(["unsubscription.applied", "review.approved", "refund.completed", "case.closed"], Actions(done).ToArray());

        var caseId = done["caseId"]!.GetValue<string>();
        var closedCase = await m.GetCaseAsync(caseId);
        Assert.Equal("Closed", closedCase["state"]!.GetValue<string>());
        Assert.Contains(id, closedCase["timeline"]!.AsArray().Last(t => t!["action"]!.GetValue<string>() == "case.closed")!["reason"]!.GetValue<string>());
        await Market.EventuallyAsync(async () => await (await m.Buyer.GetAsync($"/api/orders/{orderId}")).JsonAsync(),
            o => o["status"]!.GetValue<string>() == "closed", what: "the order to follow the closed case");

        // Supervision is complete (closed): no further application.
        await (await ApplyAsync(m, orderId)).ProblemAsync(409, "unsubscribe.supervision-complete");
    }

    [Fact]
    public async Task Received_approved_returned_and_inspected_is_refunded()
    {
        await using var app = new MarketplaceApp();
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var orderId = await HardwareOrderAsync(m);
        var id = Id(await (await ApplyAsync(m, orderId, "received")).JsonAsync(201));

        var approved = await Market.OkAsync(m.Seller.PostAsJsonAsync($"/api/unsubscriptions/{id}/review", new { decision = "approve", reason = "Send it back within 10 days." }));
        Assert.Equal("AwaitingBuyerReturn", Status(approved));
        Assert.Equal(approved["review"]!["at"]!.GetValue<DateTimeOffset>() + TimeSpan.FromDays(10), approved["returnDueAt"]!.GetValue<DateTimeOffset>());

        await (await m.Seller.PostAsJsonAsync($"/api/unsubscriptions/{id}/inspection", new { decision = "accept" })).ProblemAsync(409, "unsubscribe.invalid-transition");
        await (await m.Buyer.PostAsJsonAsync($"/api/unsubscriptions/{id}/return-shipment", new { carrier = "SF Express" })).ProblemAsync(422, "validation.failed");
        var shipped = await Market.OkAsync(m.Buyer.PostAsJsonAsync($"/api/unsubscriptions/{id}/return-shipment", new { carrier = "SF Express", trackingNo = "SF1400000001" }));
        Assert.Equal("AwaitingSellerInspection", Status(shipped));
        Assert.Equal("SF1400000001", shipped["returnShipment"]!["trackingNo"]!.GetValue<string>());
        await (await m.Buyer.PostAsync($"/api/unsubscriptions/{id}/withdrawal", null)).ProblemAsync(409, "unsubscribe.invalid-transition");

        await (await m.Seller.PostAsJsonAsync($"/api/unsubscriptions/{id}/inspection", new { decision = "reject" })).ProblemAsync(422, "validation.failed");
        var inspected = await Market.OkAsync(m.Seller.PostAsJsonAsync($"/api/unsubscriptions/{id}/inspection", new { decision = "accept", note = "Complete, undamaged." }));
        Assert.True(Status(inspected) is "Refunding" or "Done");

        var done = await Market.EventuallyAsync(() => GetAsync(m, id), u => u["caseClosedAt"] is not null, what: "the refund and the case closure");
        Assert.Equal(["unsubscription.applied", "review.approved", "return.shipped", "return.inspected", "refund.completed", "case.closed"], Actions(done).ToArray());
        Assert.Equal("Closed", (await m.GetCaseAsync(done["caseId"]!.GetValue<string>()))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rejected_and_withdrawn_applications_end_without_refund_and_the_order_may_apply_again()
    {
        await using var app = new MarketplaceApp();
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var orderId = await HardwareOrderAsync(m);

        var first = Id(await (await ApplyAsync(m, orderId)).JsonAsync(201));
        await (await m.Seller.PostAsJsonAsync($"/api/unsubscriptions/{first}/review", new { decision = "reject" })).ProblemAsync(422, "validation.failed");
        var rejected = await Market.OkAsync(m.Seller.PostAsJsonAsync($"/api/unsubscriptions/{first}/review",
            new { decision = "reject", reason = "The goods left the warehouse yesterday." }));
        Assert.Equal("Rejected", Status(rejected));
        Assert.Equal("The goods left the warehouse yesterday.", rejected["review"]!["reason"]!.GetValue<string>());

        var second = await (await ApplyAsync(m, orderId, "received")).JsonAsync(201);
        Assert.NotEqual(first, Id(second));
        Assert.Equal(2, second["quota"]!["slot"]!.GetValue<int>());
        await (await m.OtherBuyer.PostAsync($"/api/unsubscriptions/{Id(second)}/withdrawal", null)).ProblemAsync(404, "unsubscribe.not-found");
        var withdrawn = await Market.OkAsync(m.Buyer.PostAsJsonAsync($"/api/unsubscriptions/{Id(second)}/withdrawal", new { reason = "Found a use for it." }));
        Assert.Equal("Withdrawn", Status(withdrawn));
        Assert.Equal("buyer-1", withdrawn["withdrawal"]!["by"]!.GetValue<string>());

        // The case went on as if nothing happened.
        var order = await (await m.Buyer.GetAsync($"/api/orders/{orderId}")).JsonAsync();
        Assert.Equal("SellerImplementing", (await m.GetCaseAsync(order["caseId"]!.GetValue<string>()))["state"]!.GetValue<string>());

        // Only hardware is unsubscribed this way; the kind is checked.
        var caseId = await m.CaseAsync("manualService");
        var manualOrder = (await m.GetCaseAsync(caseId))["orderId"]!.GetValue<string>();
        await (await ApplyAsync(m, manualOrder)).ProblemAsync(409, "unsubscribe.not-hardware");
        await (await ApplyAsync(m, orderId, "lost")).ProblemAsync(422, "validation.failed");
        await (await ApplyAsync(m, orderId, as_: m.OtherBuyer)).ProblemAsync(404, "order.not-found");
        await (await m.Seller.PostAsJsonAsync($"/api/orders/{orderId}/unsubscriptions", new { kind = "received", reason = "x" })).ProblemAsync(403, "auth.forbidden");
    }

    [Fact]
    public async Task The_eleventh_application_of_a_year_is_refused()
    {
        await using var app = new MarketplaceApp();
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var productId = await m.ProductAsync("hardware");
        var orderA = await HardwareOrderAsync(m, productId);
        var orderB = await HardwareOrderAsync(m, productId);

        // Applications count, whatever becomes of them: withdrawn ones use their slot.
        for (var n = 1; n <= 10; n++)
        {
            var u = await (await ApplyAsync(m, n % 2 == 0 ? orderA : orderB)).JsonAsync(201);
            Assert.Equal(n, u["quota"]!["slot"]!.GetValue<int>());
            await Market.OkAsync(m.Buyer.PostAsync($"/api/unsubscriptions/{Id(u)}/withdrawal", null));
        }

        var problem = await (await ApplyAsync(m, orderA)).ProblemAsync(409, "unsubscribe.quota-exhausted");
        Assert.Contains("all 10 hardware unsubscribe applications", problem["detail"]!.GetValue<string>());
        Assert.Contains("Asia/Shanghai", problem["detail"]!.GetValue<string>());

        var quota = await Market.OkAsync(m.Buyer.GetAsync("/api/unsubscriptions/quota"));
        Assert.Equal(10, quota["used"]!.GetValue<int>());
        Assert.Equal(0, quota["remaining"]!.GetValue<int>());
        Assert.Equal(10, quota["claims"]!.AsArray().Count);

        // Per buyer account: another buyer is not affected.
        var otherOrder = await (await m.OtherBuyer.PostAsJsonAsync("/api/orders", new { productId, periodMonths = 1, shipping = Shipping })).JsonAsync(201);
        await (await ApplyAsync(m, otherOrder["orderId"]!.GetValue<string>(), as_: m.OtherBuyer)).JsonAsync(201);
    }

    [Fact]
    public async Task Concurrent_applications_never_take_more_than_the_quota()
    {
        await using var app = new MarketplaceApp(new Dictionary<string, string?> { ["Unsubscribe:YearlyQuota"] = "3" });
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var productId = await m.ProductAsync("hardware");
        var orders = new List<string>();
        for (var i = 0; i < 4; i++) orders.Add(await HardwareOrderAsync(m, productId));

        var responses = await Task.WhenAll(orders.Select(o => ApplyAsync(m, o)));
        Assert.Equal(3, responses.Count(r => (int)r.StatusCode == 201));
        await responses.Single(r => (int)r.StatusCode != 201).ProblemAsync(409, "unsubscribe.quota-exhausted");
        var slots = new List<int>();
        foreach (var r in responses.Where(r => (int)r.StatusCode == 201))
            slots.Add((await r.JsonAsync(201))["quota"]!["slot"]!.GetValue<int>());
        Assert.Equal([1, 2, 3], slots.Order().ToArray());
    }

    [Fact]
    public async Task Review_window_lets_the_buyer_appeal_and_return_window_withdraws()
    {
        await using var app = new MarketplaceApp(new Dictionary<string, string?>
        {
            ["Unsubscribe:SellerReviewWindow"] = "00:00:02",
            ["Unsubscribe:ReturnWindow"] = "00:00:02",
        });
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var productId = await m.ProductAsync("hardware");
        var unreviewed = Id(await (await ApplyAsync(m, await HardwareOrderAsync(m, productId))).JsonAsync(201));
        var received = Id(await (await ApplyAsync(m, await HardwareOrderAsync(m, productId), "received")).JsonAsync(201));
        var approved = await Market.OkAsync(m.Seller.PostAsJsonAsync($"/api/unsubscriptions/{received}/review", new { decision = "approve" }));
        Assert.Equal("AwaitingBuyerReturn", Status(approved));

        // P43: the seller let the review window pass → recorded on the timeline, the buyer may appeal; nothing else moves.
        var waited = await Market.EventuallyAsync(() => GetAsync(m, unreviewed, m.Buyer), u => Actions(u).Contains("review.window-elapsed"), what: "the review window");
        Assert.Equal("AwaitingSellerReview", Status(waited));
        Assert.True(waited["appealEligibility"]!["buyer"]!["eligible"]!.GetValue<bool>());
        Assert.True(waited["reviewWindowElapsedAt"] is not null, waited.ToJsonString());
        Assert.Equal("platform", waited["timeline"]!.AsArray().Last()!["actor"]!.GetValue<string>());

        // P43: no return shipment within the return window → treated as withdrawn.
        var withdrawn = await Market.EventuallyAsync(() => GetAsync(m, received, m.Buyer), u => Status(u) == "Withdrawn", what: "the return window");
        Assert.Equal(["unsubscription.applied", "review.approved", "return.window-elapsed"], Actions(withdrawn).ToArray());
        Assert.Equal("platform", withdrawn["withdrawal"]!["by"]!.GetValue<string>());
        await (await m.Buyer.PostAsJsonAsync($"/api/unsubscriptions/{received}/return-shipment", new { carrier = "SF", trackingNo = "SF1" }))
            .ProblemAsync(409, "unsubscribe.invalid-transition");
    }
}

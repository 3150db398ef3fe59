using System.Text.Json.Nodes;

namespace Marketplace.Soak;

/// <summary>
/// What a simulated buyer does, with its seller, ops and the reviewer answering: supervision cases to their end, SaaS
/// orders through creation, renewals, freezes and release, and metered instances whose seller pushes usage. Each flow
/// writes its expectation into the <see cref="Ledger"/> as it goes; the checks at the end compare the platform with it.
/// </summary>
internal sealed class Flows(Api api, World world, Ledger ledger, Figures figures, Violations violations, Random random)
{
    private static readonly TimeSpan OrderSettles = ServerHost.RetryWindow + TimeSpan.FromMinutes(3);

    /// <summary>One flow, chosen at random: 45% supervision case, 30% SaaS order, 25% metered instance with usage.</summary>
    public Task RunOneAsync(Party buyer, SellerSide seller)
    {
        var roll = random.NextDouble();
        return roll < 0.45 ? CaseAsync(buyer, seller) : roll < 0.75 ? SaasAsync(buyer, seller) : new UsageFlow(api, ledger, violations, random).RunAsync(buyer, seller, this);
    }

    // ---- Supervision ------------------------------------------------------------------------------------------------

    private async Task CaseAsync(Party buyer, SellerSide seller)
    {
        var scenario = random.NextDouble() < 0.3 ? "enablementCloud" : "standard";
        var placed = (await api.PostAsync(buyer, "/api/orders", new { productId = seller.ManualProduct, scenario, periodMonths = 1 })).Expect(201);
        var c = new CaseExpectation(placed.Str("caseId"), placed.Str("orderId"), buyer.Subject, seller.SellerId, scenario);
        ledger.Cases.Enqueue(c);
        var seller_ = seller.Party;
        var id = c.CaseId;

        await ActAsync(c, buyer, "requirement", new { text = "Migrate three databases to the cloud." }, v => State(v) != "AwaitingRequirement");
        if (random.NextDouble() < 0.2)
        {
            await ActAsync(c, seller_, "requirement/decision", new { decision = "return", reason = "Which databases?" }, v => State(v) == "AwaitingRequirement");
            await ActAsync(c, buyer, "requirement", new { text = "Orders, billing and the wiki database." }, v => State(v) != "AwaitingRequirement");
        }

        await ActAsync(c, seller_, "requirement/decision", new { decision = "confirm" }, v => State(v) == "SellerImplementing");

        if (random.NextDouble() < 0.15)
        {
            // The seller sits on it: once the stall window has passed (a durable timer), the buyer may appeal; ops resume.
            c.Path.Add("stall-appeal");
            await WaitCaseAsync(id, buyer, v => v["appealEligibility"]?["buyer"]?["eligible"]?.GetValue<bool>() == true,
                ServerHost.StallWindow + TimeSpan.FromMinutes(3), "the buyer's appeal eligibility after the stall window");
            var appealId = await AppealAsync(c, buyer, "The seller has not started.");
            await ResolveAsync(c, appealId, "resume", "SellerImplementing");
        }

        var rejections = new[] { 0, 0, 0, 1, 2, 3, 4 }[random.Next(7)];
        var appealAfterThird = rejections >= 3 && random.NextDouble() < 0.6;
        var reviewRejections = 0;
        while (true)
        {
            await DeliverAsync(c, seller_);
            if (scenario != "standard")
            {
                if (reviewRejections < 2 && random.NextDouble() < 0.3)
                {
                    reviewRejections++;
                    await ActAsync(c, world.Reviewer, "review", new { decision = "reject", reason = "The report is unsigned." }, v => State(v) == "SellerImplementing");
                    continue;
                }

                await ActAsync(c, world.Reviewer, "review", new { decision = "approve" }, v => State(v) == "AwaitingUserAcceptance");
            }

            if (c.Rejections < rejections)
            {
                var count = c.Rejections + 1;
                await ActAsync(c, buyer, "acceptance", new { decision = "reject", reason = $"Rejection {count}: the tests are missing." },
                    v => State(v) == "SellerImplementing" && v["rejectionCount"]!.GetValue<int>() == count);
                c.Rejections = count;
                if (count == 3 && appealAfterThird)
                {
                    var appealId = await AppealAsync(c, seller_, "Three rejections without a reason we can act on.");
                    var outcome = new[] { "resume", "complete", "close" }[random.Next(3)];
                    var state = outcome switch { "resume" => "SellerImplementing", "complete" => "Completed", _ => "Closed" };
                    await ResolveAsync(c, appealId, outcome, state);
                    if (outcome != "resume")
                    {
                        c.ExpectedState = state;
                        return;
                    }
                }

                continue;
            }

            await ActAsync(c, buyer, "acceptance", new { decision = "accept" }, v => State(v) == "Completed");
            c.ExpectedState = "Completed";
            return;
        }
    }

    private async Task DeliverAsync(CaseExpectation c, Party seller)
    {
        var fileName = $"acceptance-{Guid.NewGuid():N}.pdf";
        var upload = (await api.PutAsync(seller, $"/api/cases/{c.CaseId}/reports/{fileName}", "%PDF-1.7 soak acceptance report"u8.ToArray(), "application/pdf")).Expect(201);
        var reportId = upload.Str("reportId");
        await ActAsync(c, seller, "delivery", new { reportIds = new[] { reportId } }, v => State(v) is "AwaitingUserAcceptance" or "PlatformReview");
    }

    private async Task<string> AppealAsync(CaseExpectation c, Party who, string reason)
    {
        c.Path.Add($"appeal by {who.Role}");
        var reply = await api.PostAsync(who, $"/api/cases/{c.CaseId}/appeals", new { reason });
        if (reply.Status == 201) return reply.Str("appealId");
        if (reply.Uncertain && reply.Code == "appeal.already-open")
        {
            var view = await CaseAsync(c.CaseId);
            if (view["appeal"]?["appealId"]?.GetValue<string>() is { } open && view["frozen"]!.GetValue<bool>())
            {
                figures.ResolvedRead();
                return open;
            }
        }

        throw new SoakFailure($"case {c.CaseId}: {reply.What} answered {reply.Status}: {reply.Excerpt}");
    }

    private async Task ResolveAsync(CaseExpectation c, string appealId, string outcome, string state)
    {
        c.Path.Add($"resolved {outcome}");
        await ActAsync(c, world.Ops, null, new { outcome, note = $"Resolved by the soak: {outcome}." }, v => !Frozen(v) && State(v) == state,
            $"/api/appeals/{appealId}/resolution");
    }

    /// <summary>
    /// A case action. When an earlier try lost its answer, a refusal may only mean that the first try took effect (its
    /// stored answer was lost with the process): the case is read, and the action counts as done if the case shows it.
    /// </summary>
    private async Task ActAsync(CaseExpectation c, Party who, string? action, object body, Func<JsonObject, bool> applied, string? path = null)
    {
        path ??= $"/api/cases/{c.CaseId}/{action}";
        c.Path.Add(action ?? "resolution");
        var reply = await api.PostAsync(who, path, body);
        if (reply.Status == 200) return;
        if (reply.Uncertain && reply.Status is 409 or 422 && applied(await CaseAsync(c.CaseId)))
        {
            figures.ResolvedRead();
            return;
        }

        throw new SoakFailure($"case {c.CaseId} ({string.Join(" > ", c.Path)}): {reply.What} answered {reply.Status}{(reply.Uncertain ? " after a lost answer" : "")}: {reply.Excerpt}");
    }

    private async Task<JsonObject> CaseAsync(string caseId, Party? who = null) =>
        (await api.GetAsync(who ?? world.Ops, $"/api/cases/{caseId}")).Expect(200).Object;

    private async Task WaitCaseAsync(string caseId, Party who, Func<JsonObject, bool> done, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var view = await CaseAsync(caseId, who);
            if (done(view)) return;
            if (DateTime.UtcNow > until) throw new SoakFailure($"case {caseId}: waited {timeout.TotalSeconds:F0} s for {what}; state {State(view)}");
            await Task.Delay(1000);
        }
    }

    private static string State(JsonObject view) => view["state"]!.GetValue<string>();
    private static bool Frozen(JsonObject view) => view["frozen"]!.GetValue<bool>();

    // ---- SaaS orders ------------------------------------------------------------------------------------------------

    private async Task SaasAsync(Party buyer, SellerSide seller)
    {
        var o = await PlaceSaasAsync(buyer, seller, seller.SaasProduct, metered: false);
        if (o.ExpectedStatus == "failed") return; // left parked

        var renewals = random.Next(3);
        for (var i = 0; i < renewals; i++)
        {
            var expire = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(31 * (i + 2)), TimeSpan.Zero);
            o.Path.Add("renewal");
            var reply = await api.PostAsync(buyer, $"/api/orders/{o.OrderId}/renewal", new { expireTime = expire });
            if (reply.Status != 202 && !(reply.Uncertain && reply.Status is 409 or 422 && (await OrderAsync(o.OrderId))["expiresAt"]?.GetValue<DateTimeOffset>() == expire))
                reply.Expect(202);
            o.Renewals++;
            o.ExpireTime = expire;
        }

        if (random.NextDouble() < 0.2)
        {
            foreach (var status in new[] { "FREEZE", "UNFREEZE" })
            {
                o.Path.Add(status);
                var reply = await api.PostAsync(world.Ops, $"/api/instances/{o.InstanceId}/status", new { status, reason = "soak" });
                var now = status == "FREEZE" ? "frozen" : "active";
                if (reply.Status != 202 && !(reply.Uncertain && reply.Status == 409 && (await OrderAsync(o.OrderId))["status"]?.GetValue<string>() == now))
                    reply.Expect(202);
                o.StatusChanges++;
            }
        }

        if (random.NextDouble() < 0.5)
        {
            o.Path.Add("unsubscribe");
            var reply = await api.PostAsync(buyer, $"/api/orders/{o.OrderId}/unsubscribe", new { });
            if (reply.Status != 202 && !(reply.Uncertain && reply.Status == 409 && await OrderStatusAsync(o.OrderId) == "released"))
                reply.Expect(202);
            o.Released = true;
            o.ExpectedStatus = "released";
        }
    }

    /// <summary>
    /// Buys a SaaS product and sees the instance created. When the newInstance call parks (the fake seller was down for
    /// longer than the retry window) the order shows <c>failed</c>; the seller then retries the call, delivers by hand,
    /// or (unless <paramref name="metered"/>) leaves it parked.
    /// </summary>
    public async Task<OrderExpectation> PlaceSaasAsync(Party buyer, SellerSide seller, string productId, bool metered)
    {
        var placed = (await api.PostAsync(buyer, "/api/orders", new { productId, periodMonths = metered ? (int?)null : 1 })).Expect(201);
        var o = new OrderExpectation(placed.Str("orderId"), placed.Str("orderLineId"), buyer.Subject, seller.SellerId, metered);
        ledger.Orders.Enqueue(o);
        var round = 0;
        var failedSince = (DateTime?)null;
        while (true)
        {
            var order = await WaitOrderAsync(o.OrderId, s => s is "active" or "failed", OrderSettles, "active or failed");
            if (order["status"]!.GetValue<string>() == "active")
            {
                o.InstanceId = order["instanceId"]!.GetValue<string>();
                o.ExpectedStatus = "active";
                return o;
            }

            var calls = (await api.GetAsync(seller.Party, $"/api/seller/calls?orderId={o.OrderId}&activity=newInstance")).Expect(200);
            var call = calls.Json["items"]!.AsArray().FirstOrDefault()?.AsObject()
                       ?? throw new SoakFailure($"order {o.OrderId} failed without a newInstance call");
            var callId = call["callId"]!.GetValue<string>();
            if (call["status"]!.GetValue<string>() != "parked")
            {
                // The order follows its call through the outbox: just after a retry or a manual delivery it still shows failed.
                failedSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - failedSince > TimeSpan.FromMinutes(2))
                    throw new SoakFailure($"order {o.OrderId} stayed failed for 2 minutes while its call {callId} is {call["status"]}");
                await Task.Delay(1000);
                continue;
            }

            failedSince = null;
            round++;
            if (string.IsNullOrWhiteSpace(call["parkedReason"]?.GetValue<string>()))
                throw new SoakFailure($"order {o.OrderId} failed; its call {callId} is parked without a reason");

            var roll = random.NextDouble();
            if (!metered && roll < 0.2)
            {
                o.Path.Add("left parked");
                o.LeftParkedCallId = callId;
                o.ExpectedStatus = "failed";
                return o;
            }

            if (roll < 0.35 || round > 4)
            {
                // The seller creates the instance by hand (or finds the one a lost answer left) and delivers it by hand.
                o.Path.Add("manual delivery");
                var instanceId = world.Fake.CreateInstanceByHand(o.OrderId, o.OrderLineId, "MANUAL-" + o.OrderId);
                var reply = await api.PostAsync(seller.Party, $"/api/seller/calls/{callId}/manual-delivery", new { instanceId, note = "Created by hand during the soak." });
                if (!(reply.Status == 200 || (reply.Uncertain && reply.Status == 409))) reply.Expect(200);
                o.ManualInstanceId = instanceId;
                continue;
            }

            o.Path.Add("seller retry");
            var retry = await api.PostAsync(seller.Party, $"/api/seller/calls/{callId}/retry", new { });
            if (!(retry.Status == 202 || (retry.Uncertain && retry.Status == 409))) retry.Expect(202);
        }
    }

    private async Task<string> OrderStatusAsync(string orderId) => (await OrderAsync(orderId))["status"]!.GetValue<string>();

    private async Task<JsonObject> OrderAsync(string orderId) => (await api.GetAsync(world.Ops, $"/api/orders/{orderId}")).Expect(200).Object;

    public async Task<JsonObject> WaitOrderAsync(string orderId, Func<string, bool> done, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var order = (await api.GetAsync(world.Ops, $"/api/orders/{orderId}")).Expect(200).Object;
            if (done(order["status"]!.GetValue<string>())) return order;
            if (DateTime.UtcNow > until) throw new SoakFailure($"order {orderId}: waited {timeout.TotalSeconds:F0} s for {what}; status {order["status"]}");
            await Task.Delay(1000);
        }
    }
}

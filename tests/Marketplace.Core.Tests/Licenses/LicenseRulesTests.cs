using System.Text.Json;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Licenses;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;
using Marketplace.Core.Supervision;

namespace Marketplace.Core.Tests.Licenses;

/// <summary>Domain §6.8 and §10: the License 2.0 code, its activation as the case says, and its calls to the seller.</summary>
public sealed class LicenseRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly Actor Buyer = new("buyer-1", Role.Buyer);
    private static readonly Actor OtherBuyer = new("buyer-2", Role.Buyer);
    private static readonly Actor Seller = new("SL1", Role.Seller);
    private static readonly Actor Ops = new("ops-1", Role.Ops);
    private static readonly SellerCallOptions CallOptions = new();

    private sealed class App
    {
        public LicenseCode? State;
        public DateTimeOffset Now = T0;
        public List<CreateSellerCallMessage> Sent { get; } = [];

        public App(int? periodMonths = 12)
        {
            var l = new LicenseCode
            {
                LicenseId = "LCCS1", Code = "PLABCDEFGHJKLMNPQRSTUVWXYZ", OrderId = "CS1", OrderLineId = "CS1-000001", CaseId = "SCCS1", ProductId = "PD1",
                BuyerId = Buyer.Id, SellerId = Seller.Id, ChargingMode = ChargingMode.Period, PeriodMonths = periodMonths, OrderedAt = T0, IssuedAt = T0,
            };
            Run(new IssueLicense(Actor.Platform, l));
        }

        public Decision<LicenseEvent> Decide(LicenseCommand c) => LicenseRules.Decide(State, c, Now);

        public App Run(LicenseCommand c)
        {
            var d = Decide(c);
            Assert.False(d.IsRejected, d.Error?.Detail);
            foreach (var e in d.Events)
            {
                State = LicenseRules.Apply(State, e);
                Sent.AddRange(LicenseRules.Outbox(State, e).Where(m => m.Topic == SellerCallService.CreateTopic).Select(m => (CreateSellerCallMessage)m.Payload));
            }

            return this;
        }

        public App Received() => Run(new FollowCase(Actor.Platform, Now, null, null, null));

        public App Activated(DateTimeOffset? at = null) => Run(new FollowCase(Seller, State!.ReceivedAt ?? Now, at ?? Now, null, null));

        public App Completed() => Run(new FollowCase(Actor.Platform, State!.ReceivedAt, State.ActivatedAt, "completed", Now));

        /// <summary>The head call succeeded: the queue moves on.</summary>
        public App Succeed(CreateSellerCallMessage message)
        {
            var call = SellerCallMachine.Apply(null, (SellerCallCreated)SellerCallMachine.Decide(null, message.ToCommand(), Now, CallOptions).Events[0]);
            var outcome = new SellerOutcome(SellerOutcomeKind.Succeeded, SellerFailure.None, 200, "000000", "success", null);
            var done = SellerCallMachine.Decide(call, new RecordSellerCallAttempt(Now, SellerCallMachine.NextRequest(call, "b"), outcome, 5), Now, CallOptions);
            return Run(new SyncLicenseCall(Actor.Platform, SellerCallMachine.ApplyAll(call, done.Events)!));
        }
    }

    private static DomainError Rejected(Decision<LicenseEvent> d, ErrorKind kind, string code)
    {
        Assert.True(d.IsRejected, "Expected a rejection, got " + string.Join(", ", d.Events.Select(e => e.Action)));
        Assert.Equal(kind, d.Error!.Kind);
        Assert.Equal(code, d.Error.Code);
        return d.Error;
    }

    private static JsonElement Body(CreateSellerCallMessage m) => JsonDocument.Parse(m.Body).RootElement;

    [Fact(DisplayName = "§6.2-L2 #1: the code is issued once per order; a repeated issue (at-least-once) keeps the first code")]
    public void Issued_once()
    {
        var app = new App();
        Assert.Equal(LicenseStatus.Issued, app.State!.Status);
        var again = app.Decide(new IssueLicense(Actor.Platform, app.State with { Code = "PLOTHERCODE" }));
        Assert.False(again.IsRejected);
        Assert.Empty(again.Events);
        Rejected(app.Decide(new IssueLicense(Ops, app.State)), ErrorKind.Forbidden, "auth.forbidden");
    }

    [Fact(DisplayName = "Seed 002: activated at the case's activation time; the period (12 months) runs from it; a repeat changes nothing")]
    public void Activation_follows_the_case()
    {
        var app = new App().Received();
        Assert.Equal(LicenseStatus.Received, app.State!.Status);
        var activatedAt = T0.AddDays(3);
        app.Now = activatedAt.AddMinutes(5);
        app.Activated(activatedAt);
        Assert.Equal(LicenseStatus.Alive, app.State!.Status);
        Assert.Equal(activatedAt, app.State.ActivatedAt);
        Assert.Equal(activatedAt.AddMonths(12), app.State.ExpireTime);

        // The same facts again (the route and the case's outbox both report them): nothing new; the first activation stands.
        Assert.Empty(app.Decide(new FollowCase(Actor.Platform, app.State.ReceivedAt, activatedAt, null, null)).Events);
        Assert.Empty(app.Decide(new FollowCase(Actor.Platform, app.State.ReceivedAt, activatedAt.AddHours(1), null, null)).Events);
        Assert.Empty(app.Sent); // activation is the seller's own call: nothing goes back to the seller
    }

    [Fact(DisplayName = "§6.8: a closed case releases the code; the seller is told (releaseLicenseCode) only about a code it activated")]
    public void Closed_case_releases()
    {
        var unused = new App().Received().Run(new FollowCase(Actor.Platform, T0, null, "closed", T0.AddDays(1)));
        Assert.Equal(LicenseStatus.Released, unused.State!.Status);
        Assert.Equal("closed", unused.State.Supervision);
        Assert.Empty(unused.Sent);

        var used = new App().Received().Activated().Run(new FollowCase(Actor.Platform, T0, T0, "closed", T0.AddDays(1)));
        Assert.Equal(LicenseStatus.Released, used.State!.Status);
        var release = Assert.Single(used.Sent);
        Assert.Equal(SellerActivities.ReleaseLicenseCode, release.Activity);
        Assert.Equal("PLABCDEFGHJKLMNPQRSTUVWXYZ", Body(release).GetProperty("license").GetString());
        Assert.False(Body(release).TryGetProperty("orderId", out _));
        Assert.Equal("CS1", release.OrderRef);
    }

    [Fact(DisplayName = "§10 (P35): renewal queues refreshLicenseCode RENEWAL with the renewal order and the new UTC expiry")]
    public void Renewal()
    {
        var app = new App().Received().Activated();
        var until = app.State!.ExpireTime!.Value.AddMonths(12);
        Rejected(app.Decide(new RenewLicense(OtherBuyer, RefreshScene.Renewal, until, "CSR1")), ErrorKind.Forbidden, "auth.forbidden");
        Rejected(app.Decide(new RenewLicense(Buyer, RefreshScene.Renewal, app.State.ExpireTime!.Value, "CSR1")), ErrorKind.Invalid, "validation.failed");
        app.Run(new RenewLicense(Buyer, RefreshScene.Renewal, until, "CSR1"));

        Assert.Equal(until, app.State.ExpireTime);
        var refresh = Assert.Single(app.Sent);
        Assert.Equal(SellerActivities.RefreshLicenseCode, refresh.Activity);
        var body = Body(refresh);
        Assert.Equal("RENEWAL", body.GetProperty("scene").GetString());
        Assert.Equal("CSR1", body.GetProperty("orderId").GetString());
        Assert.Equal("CSR1-000001", body.GetProperty("orderLineId").GetString());
        Assert.Equal(SellerRequest.FormatExpireTime(until), body.GetProperty("expireTime").GetString());
        Assert.Equal(app.State.Code, body.GetProperty("license").GetString());
    }

    [Fact(DisplayName = "A renewal or unsubscribe repeated under the same order id (a request retried after a crash) changes nothing twice")]
    public void Repeat_under_the_same_order_id_is_a_no_op()
    {
        var app = new App().Received().Activated();
        var until = app.State!.ExpireTime!.Value.AddMonths(12);
        app.Run(new RenewLicense(Buyer, RefreshScene.Renewal, until, "CSR1"));
        var repeat = app.Decide(new RenewLicense(Buyer, RefreshScene.Renewal, until.AddMonths(12), "CSR1"));
        Assert.False(repeat.IsRejected);
        Assert.Empty(repeat.Events);
        Rejected(app.Decide(new RenewLicense(OtherBuyer, RefreshScene.Renewal, until.AddMonths(12), "CSR1")), ErrorKind.Forbidden, "auth.forbidden");

        app.Succeed(app.Sent[^1]).Completed().Run(new ReleaseLicense(Buyer, "CSX1", null));
        var again = app.Decide(new ReleaseLicense(Buyer, "CSX1", null));
        Assert.False(again.IsRejected);
        Assert.Empty(again.Events);
        Rejected(app.Decide(new ReleaseLicense(Buyer, "CSX2", null)), ErrorKind.Conflict, LicenseErrors.InvalidState); // a new unsubscribe of a released code
    }

    [Fact(DisplayName = "§6.8: UNFREEZE on renewal; the calls go out one at a time, in order (§7.10)")]
    public void Renewal_of_a_frozen_code_unfreezes_in_order()
    {
        var app = new App().Received().Activated().Run(new ChangeLicenseStatus(Ops, InstanceStatusChange.Freeze, "expired beyond the grace"));
        var freeze = Assert.Single(app.Sent);
        Assert.Equal("FREEZE", Body(freeze).GetProperty("status").GetString());

        app.Run(new RenewLicense(Buyer, RefreshScene.Renewal, app.State!.ExpireTime!.Value.AddMonths(1), "CSR2"));
        Assert.Equal(LicenseStatus.Alive, app.State!.Status);
        Assert.Single(app.Sent); // refresh and UNFREEZE wait behind the FREEZE
        Assert.Equal(3, app.State.QueuedCalls.Count);

        app.Succeed(freeze);
        Assert.Equal(SellerActivities.RefreshLicenseCode, app.Sent[^1].Activity);
        app.Succeed(app.Sent[^1]);
        Assert.Equal("UNFREEZE", Body(app.Sent[^1]).GetProperty("status").GetString());
        app.Succeed(app.Sent[^1]);
        Assert.Empty(app.State.QueuedCalls);
        Assert.Null(app.State.ActiveCallId);

        // Each status call is its own call, even when the status repeats.
        Assert.Equal(3, app.Sent.Select(m => m.CallId).Distinct().Count());
    }

    [Fact(DisplayName = "§10 (P35): a renewal period is unsubscribed back to an earlier expiry (UNSUBSCRIBE_RENEWAL_PERIOD), only after a renewal")]
    public void Renewal_period_unsubscribe()
    {
        var app = new App().Received().Activated();
        var first = app.State!.ExpireTime!.Value;
        Rejected(app.Decide(new RenewLicense(Buyer, RefreshScene.UnsubscribeRenewalPeriod, first.AddDays(-1), "CSU1")), ErrorKind.Conflict, LicenseErrors.InvalidState);
        app.Run(new RenewLicense(Buyer, RefreshScene.Renewal, first.AddMonths(12), "CSR1")).Succeed(app.Sent[^1]);
        Rejected(app.Decide(new RenewLicense(Buyer, RefreshScene.UnsubscribeRenewalPeriod, first.AddMonths(13), "CSU1")), ErrorKind.Invalid, "validation.failed");
        app.Run(new RenewLicense(Buyer, RefreshScene.UnsubscribeRenewalPeriod, first, "CSU1"));
        Assert.Equal(first, app.State!.ExpireTime);
        Assert.Equal("UNSUBSCRIBE_RENEWAL_PERIOD", Body(app.Sent[^1]).GetProperty("scene").GetString());
        Assert.Equal(["renewal", "renewal-unsubscribe"], app.State.Changes.Select(c => c.Kind));
    }

    [Fact(DisplayName = "§10 (P36): FREEZE and UNFREEZE are for ops and need an alive (frozen) code")]
    public void Status_changes()
    {
        var app = new App().Received();
        Rejected(app.Decide(new ChangeLicenseStatus(Ops, InstanceStatusChange.Freeze, null)), ErrorKind.Conflict, LicenseErrors.InvalidState);
        app.Activated();
        Rejected(app.Decide(new ChangeLicenseStatus(Buyer, InstanceStatusChange.Freeze, null)), ErrorKind.Forbidden, "auth.forbidden");
        Rejected(app.Decide(new ChangeLicenseStatus(Ops, InstanceStatusChange.Unfreeze, null)), ErrorKind.Conflict, LicenseErrors.InvalidState);
        app.Run(new ChangeLicenseStatus(Ops, InstanceStatusChange.Freeze, null));
        Assert.Equal(LicenseStatus.Frozen, app.State!.Status);
        Assert.Equal("frozen by ops-1", app.State.Changes[^1].Detail);
        Assert.Equal(SellerActivities.UpdateLicenseCodeStatus, app.Sent[^1].Activity);
    }

    [Fact(DisplayName = "§10 (P37): the buyer unsubscribes after the supervision completed (releaseLicenseCode with the unsubscribe order); ops release any activated code")]
    public void Release()
    {
        var app = new App();
        Rejected(app.Decide(new ReleaseLicense(Ops, null, null)), ErrorKind.Conflict, LicenseErrors.InvalidState); // never activated
        app.Received().Activated();
        Rejected(app.Decide(new ReleaseLicense(Buyer, "CSX1", null)), ErrorKind.Conflict, LicenseErrors.InvalidState); // still supervised
        Rejected(app.Decide(new ReleaseLicense(Seller, null, null)), ErrorKind.Forbidden, "auth.forbidden");
        app.Completed().Run(new ReleaseLicense(Buyer, "CSX1", null));
        Assert.Equal(LicenseStatus.Released, app.State!.Status);
        var release = Body(app.Sent[^1]);
        Assert.Equal("CSX1", release.GetProperty("orderId").GetString());
        Assert.Equal("CSX1-000001", release.GetProperty("orderLineId").GetString());
        Rejected(app.Decide(new ReleaseLicense(Ops, null, null)), ErrorKind.Conflict, LicenseErrors.InvalidState);

        var byOps = new App().Received().Activated().Run(new ReleaseLicense(Ops, null, "retention ended"));
        Assert.Equal("retention ended", byOps.State!.ReleaseReason);
        Assert.False(Body(byOps.Sent[^1]).TryGetProperty("orderId", out _));
    }

    [Fact(DisplayName = "A parked call holds the queue: only a succeeded (or hand-delivered) call lets the next one go")]
    public void Parked_call_holds_the_queue()
    {
        var app = new App().Received().Activated().Run(new ChangeLicenseStatus(Ops, InstanceStatusChange.Freeze, null));
        var message = app.Sent[^1];
        var call = SellerCallMachine.Apply(null, (SellerCallCreated)SellerCallMachine.Decide(null, message.ToCommand(), T0, CallOptions).Events[0]);
        var parked = SellerCallMachine.Apply(call, new SellerCallParked(call.CallId, T0, "window ended"));
        Assert.Empty(app.Decide(new SyncLicenseCall(Actor.Platform, parked)).Events);
        Assert.Equal(call.CallId, app.State!.ActiveCallId);
    }

    [Fact(DisplayName = "The activation answer (P39): 92020000, license_code_info as a JSON string with ALIVE, the first activate_time, expire_time, product_id, order_id")]
    public void Activation_answer()
    {
        var app = new App().Received().Activated(T0.AddHours(1));
        var answer = LicenseActivateResponse.Success(app.State!, T0.AddDays(1));
        Assert.Equal("92020000", answer.ErrorCode);
        var info = JsonDocument.Parse(answer.Data.LicenseCodeInfo).RootElement;
        Assert.Equal("ALIVE", info.GetProperty("status").GetString());
        Assert.Equal("20260302090000", info.GetProperty("activate_time").GetString());
        Assert.Equal("20270302090000", info.GetProperty("expire_time").GetString());
        Assert.Equal("PD1", info.GetProperty("product_id").GetString());
        Assert.Equal("CS1", info.GetProperty("order_id").GetString());
        Assert.Equal(1, info.GetProperty("amount").GetInt32());
        Assert.Equal("EXPIRED", LicenseActivateResponse.WireStatus(app.State!, T0.AddYears(2)));
        var json = JsonSerializer.Serialize(answer);
        Assert.Contains("\"error_code\":\"92020000\"", json);
        Assert.Contains("\"license_code_info\":", json);
    }

    [Theory(DisplayName = "The activation body (P39): license (≤64; licenseCode too) and real_effect_time (UTC yyyyMMddHHmmss)")]
    [InlineData("{\"license\":\"PL1\"}", true)]
    [InlineData("{\"license\":\"PL1\",\"real_effect_time\":\"20260302083000\"}", true)]
    [InlineData("{\"licenseCode\":\"PL1\"}", true)]
    [InlineData("{\"license\":\"PL1\",\"licenseCode\":\"PL1\"}", true)]
    [InlineData("{\"license\":\"PL1\",\"licenseCode\":\"PL2\"}", false)]
    [InlineData("{\"license\":\"\"}", false)]
    [InlineData("{\"licence\":\"PL1\"}", false)]
    [InlineData("{\"license\":\"PL1\",\"real_effect_time\":\"2026-03-02\"}", false)]
    [InlineData("[\"PL1\"]", false)]
    [InlineData("not json", false)]
    public void Activation_body(string body, bool valid)
    {
        if (valid)
        {
            var parsed = LicenseActivateRequest.Parse(body);
            Assert.Equal("PL1", parsed.License);
            if (body.Contains("real_effect_time", StringComparison.Ordinal)) Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 30, 0, TimeSpan.Zero), parsed.RealEffectTime);
        }
        else
        {
            var error = Assert.Throws<DomainException>(() => LicenseActivateRequest.Parse(body)).Error;
            Assert.Equal(ErrorKind.BadRequest, error.Kind);
            Assert.Equal(LicenseOpenApiCodes.InvalidParam, LicenseOpenApiCodes.For(error.Code)!.Value.Code);
        }
    }

    [Fact(DisplayName = "P39 result codes: not found 92020005, not received 92020004, wrong state 92020003; authentication has none (401)")]
    public void Open_api_codes()
    {
        Assert.Equal("92020005", LicenseOpenApiCodes.For(LicenseErrors.NotFoundCode)!.Value.Code);
        Assert.Equal(("92020004", "can not active before user received."), LicenseOpenApiCodes.For(LicenseErrors.NotReceived));
        Assert.Equal("92020003", LicenseOpenApiCodes.For(LicenseErrors.InvalidState)!.Value.Code);
        Assert.Equal("92020003", LicenseOpenApiCodes.For("case.frozen")!.Value.Code);
        Assert.Null(LicenseOpenApiCodes.For("auth.bad-signature"));
    }

    [Fact(DisplayName = "Seed 002: the order's actual start time is the activation time, its expiry the period after it; the first activation stands")]
    public void Order_starts_at_the_activation()
    {
        var order = new Order
        {
            OrderId = "CS1", OrderLineId = "CS1-000001", BuyerId = Buyer.Id, SellerId = Seller.Id, ProductId = "PD1", DeliveryType = "licenseCode",
            ChargingMode = ChargingMode.Period, Scenario = Scenario.Standard, PeriodMonths = 6, PlacedAt = T0, CaseId = "SCCS1",
            Flow = FlowVariant.License2,
        };
        var activatedAt = T0.AddDays(2);
        var started = OrderRules.StartLicense(order, activatedAt, activatedAt.AddSeconds(1));
        order = started.Events.Aggregate(order, (o, e) => OrderRules.Apply(o, e));
        Assert.Equal(activatedAt, order.ValidFrom);
        Assert.Equal(activatedAt.AddMonths(6), order.ExpiresAt);
        Assert.Empty(OrderRules.StartLicense(order, activatedAt.AddDays(1), activatedAt.AddDays(1)).Events);
        Assert.True(OrderRules.StartLicense(order with { Flow = FlowVariant.Standard }, activatedAt, activatedAt).IsRejected);

        // The completion later carries the same start (the case's actual start time is the activation time).
        order = OrderRules.EndSupervision(order, "completed", T0.AddDays(3), activatedAt).Events.Aggregate(order, (o, e) => OrderRules.Apply(o, e));
        Assert.Equal(activatedAt, order.ValidFrom);
        Assert.Equal(activatedAt.AddMonths(6), order.ExpiresAt);
    }

    [Fact(DisplayName = "Codes: PL and 24 characters of the id alphabet, all different")]
    public void Codes()
    {
        var codes = Enumerable.Range(0, 1000).Select(_ => LicenseCodes.NewCode()).ToList();
        Assert.All(codes, c => Assert.Matches("^PL[A-HJ-NP-Z2-9]{24}$", c));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Equal("LCCS1", LicenseRules.IdFor("CS1"));
    }
}

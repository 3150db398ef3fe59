using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;
using Marketplace.Core.Supervision;

namespace Marketplace.Core.Tests.Catalogue;

public class OrderInstanceRulesTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Actor Buyer = new("buyer-1", Role.Buyer);
    private static readonly Actor Ops = new("ops-1", Role.Ops);
    private static readonly SellerCallOptions CallOptions = new();

    private static Order Placed(ChargingMode mode = ChargingMode.Period) => new()
    {
        OrderId = "CS1", OrderLineId = "CS1-000001", BuyerId = "buyer-1", SellerId = "seller-1", ProductId = "PD1", DeliveryType = "saas",
        ChargingMode = mode, Scenario = Scenario.Standard, PeriodMonths = mode == ChargingMode.OnDemand ? null : 12, PlacedAt = T0, Status = "creating",
    };

    private static Order Fold(Order order, Decision<OrderEvent> decision)
    {
        Assert.False(decision.IsRejected, decision.Error?.Detail);
        return decision.Events.Aggregate(order, (o, e) => OrderRules.Apply(o, e));
    }

    private static List<CreateSellerCallMessage> Creates(Order before, Decision<OrderEvent> decision)
    {
        var messages = new List<CreateSellerCallMessage>();
        var state = before;
        foreach (var e in decision.Events)
        {
            state = OrderRules.Apply(state, e);
            messages.AddRange(OrderInstanceRules.Outbox(state, e).Where(m => m.Topic == SellerCallService.CreateTopic).Select(m => (CreateSellerCallMessage)m.Payload));
        }

        return messages;
    }

    /// <summary>The call as it would be after creation and a successful attempt returning the instance.</summary>
    private static SellerCall Succeeded(CreateSellerCallMessage message, string? instanceId = null, AppInfo? appInfo = null)
    {
        var call = SellerCallMachine.Apply(null, (SellerCallCreated)SellerCallMachine.Decide(null, message.ToCommand(), T0, CallOptions).Events[0]);
        var request = SellerCallMachine.NextRequest(call, "biz-1");
        var outcome = new SellerOutcome(SellerOutcomeKind.Succeeded, SellerFailure.None, 200, "000000", "ok", null, instanceId,
            appInfo is null ? null : [new InstanceInfo(call.InstanceId ?? "", appInfo, [])]);
        var decision = SellerCallMachine.Decide(call, new RecordSellerCallAttempt(T0, request, outcome, 10), T0, CallOptions);
        Assert.False(decision.IsRejected, decision.Error?.Detail);
        return SellerCallMachine.ApplyAll(call, decision.Events)!;
    }

    private static Order Active(out string instanceId)
    {
        var order = Placed();
        var create = OrderInstanceRules.NewInstanceMessage(order);
        var call = Succeeded(create, "inst-1");
        order = Fold(order, OrderInstanceRules.SyncCall(order, call, T0));
        instanceId = order.InstanceId!;
        var query = order.QueuedCalls.Single();
        return Fold(order, OrderInstanceRules.SyncCall(order, Succeeded(new CreateSellerCallMessage(order.SellerId, order.ProductId, query.Activity, query.Body, query.Discriminator, order.OrderId),
            appInfo: new AppInfo("https://app.example.com")), T0));
    }

    [Fact]
    public void Placing_a_SaaS_order_queues_newInstance_keyed_by_the_order_line()
    {
        var order = Placed();
        var messages = OrderInstanceRules.Outbox(order, new OrderPlaced(order)).ToList();
        var create = (CreateSellerCallMessage)Assert.Single(messages).Payload;
        Assert.Equal("newInstance", create.Activity);
        Assert.Equal("CS1", create.OrderRef);
        Assert.Equal(SellerCallKeys.For("newInstance", "CS1", "CS1-000001"), create.CallId);
        Assert.Empty(OrderInstanceRules.Outbox(order with { DeliveryType = "manualService" }, new OrderPlaced(order with { DeliveryType = "manualService" })));

        var onDemand = Placed(ChargingMode.OnDemand);
        Assert.Equal(SellerCallKeys.For("newInstance", "CS1", "CS1-000001", "productId=PD1"), OrderInstanceRules.NewInstanceCallId(onDemand));
    }

    [Fact]
    public void A_created_instance_makes_the_order_active_and_asks_for_the_app_info()
    {
        var order = Placed();
        var call = Succeeded(OrderInstanceRules.NewInstanceMessage(order), "inst-1");
        var decision = OrderInstanceRules.SyncCall(order, call, T0);
        var active = Fold(order, decision);
        Assert.Equal("active", active.Status);
        Assert.Equal("inst-1", active.InstanceId);
        Assert.Equal(T0.AddMonths(12), active.ExpiresAt);
        var query = Assert.Single(Creates(order, decision));
        Assert.Equal("queryInstance", query.Activity);
        Assert.Contains("\"instanceId\":\"inst-1\"", query.Body);

        // The same news again changes nothing.
        Assert.Empty(OrderInstanceRules.SyncCall(active, call, T0).Events);
    }

    [Fact]
    public void A_parked_newInstance_fails_the_order_and_a_retry_makes_it_creating_again()
    {
        var order = Placed();
        var call = SellerCallMachine.Apply(null, (SellerCallCreated)SellerCallMachine.Decide(null, OrderInstanceRules.NewInstanceMessage(order).ToCommand(), T0, CallOptions).Events[0]);
        var parked = call with { Status = SellerCallStatus.Parked, ParkedReason = "window ended" };
        var failed = Fold(order, OrderInstanceRules.SyncCall(order, parked, T0));
        Assert.Equal("failed", failed.Status);
        Assert.Equal("window ended", failed.FailedReason);
        var again = Fold(failed, OrderInstanceRules.SyncCall(failed, parked with { Status = SellerCallStatus.Pending }, T0));
        Assert.Equal("creating", again.Status);
        var manual = parked with { Status = SellerCallStatus.ManuallyDelivered, InstanceId = "by-hand" };
        Assert.Equal("by-hand", Fold(failed, OrderInstanceRules.SyncCall(failed, manual, T0)).InstanceId);
    }

    [Fact]
    public void Calls_about_an_instance_go_out_one_at_a_time_in_order()
    {
        var order = Active(out var instanceId);
        Assert.Equal("https://app.example.com", order.AppInfo!.FrontEndUrl);
        Assert.Null(order.ActiveCallId);

        var freeze = OrderInstanceRules.ChangeStatus(order, Ops, InstanceStatusChange.Freeze, null, T0);
        var first = Assert.Single(Creates(order, freeze));
        order = Fold(order, freeze);
        var unfreeze = OrderInstanceRules.ChangeStatus(order, Ops, InstanceStatusChange.Unfreeze, null, T0);
        Assert.Empty(Creates(order, unfreeze)); // waits for the FREEZE
        order = Fold(order, unfreeze);
        var refreeze = OrderInstanceRules.ChangeStatus(order, Ops, InstanceStatusChange.Freeze, null, T0);
        order = Fold(order, refreeze);
        Assert.Equal(3, order.QueuedCalls.Count);
        Assert.Equal(first.CallId, order.ActiveCallId);
        Assert.Equal(3, order.QueuedCalls.Select(q => q.CallId).Distinct().Count()); // FREEZE twice: two calls

        // The FREEZE succeeds: the UNFREEZE goes out.
        var done = OrderInstanceRules.SyncCall(order, Succeeded(first), T0);
        var next = Assert.Single(Creates(order, done));
        Assert.Contains("UNFREEZE", next.Body);
        Assert.Contains(instanceId, next.Body);
        order = Fold(order, done);
        Assert.Equal(next.CallId, order.ActiveCallId);
        Assert.Equal("frozen", order.Status);
    }

    [Fact]
    public void Instance_actions_check_the_party_and_the_state()
    {
        var creating = Placed();
        Assert.Equal("order.invalid-state", OrderInstanceRules.Renew(creating, Buyer, T0.AddYears(1), null, "CS2", T0).Error!.Code);
        Assert.Equal("order.not-found", OrderInstanceRules.Unsubscribe(Placed() with { BuyerId = "buyer-2" }, Buyer, "CS3", T0).Error!.Code);
        Assert.Equal("order.not-saas", OrderInstanceRules.Unsubscribe(Placed() with { DeliveryType = "manualService" }, Buyer, "CS3", T0).Error!.Code);

        var active = Active(out _);
        Assert.Equal("validation.failed", OrderInstanceRules.Renew(active, Buyer, T0.AddMonths(6), null, "CS2", T0).Error!.Code); // before the current expiry
        Assert.Equal("order.invalid-state", OrderInstanceRules.ChangeStatus(active, Ops, InstanceStatusChange.Unfreeze, null, T0).Error!.Code);
        var released = Fold(active, OrderInstanceRules.Unsubscribe(active, Buyer, "CS3", T0));
        Assert.Equal("released", released.Status);
        Assert.Equal("order.invalid-state", OrderInstanceRules.Unsubscribe(released, Buyer, "CS4", T0).Error!.Code);
    }

    [Fact]
    public void Renewing_a_frozen_instance_queues_the_refresh_then_the_unfreeze()
    {
        var active = Active(out _);
        var frozen = Fold(active, OrderInstanceRules.ChangeStatus(active, Ops, InstanceStatusChange.Freeze, "expired", T0));
        var renew = OrderInstanceRules.Renew(frozen, Buyer, T0.AddYears(2), null, "CS9", T0);
        var renewed = Fold(frozen, renew);
        Assert.Equal("active", renewed.Status);
        Assert.Equal(T0.AddYears(2), renewed.ExpiresAt);
        Assert.Equal(["updateInstanceStatus", "refreshInstance", "updateInstanceStatus"], renewed.QueuedCalls.Select(q => q.Activity));
        Assert.Contains("\"scene\":\"RENEWAL\"", renewed.QueuedCalls[1].Body);
        Assert.Contains("\"orderId\":\"CS9\"", renewed.QueuedCalls[1].Body);
    }

    [Fact]
    public void An_upgrade_makes_a_new_order_on_the_same_instance()
    {
        var active = Active(out var instanceId);
        var target = new Product
        {
            ProductId = "PD2", SellerId = "seller-1", Name = "Premium", DeliveryType = "saas", ChargingMode = ChargingMode.Period, CreatedAt = T0,
        };
        var decision = OrderInstanceRules.Upgrade(active, Buyer, target, "CS7", T0);
        var upgrade = decision.Events.OfType<OrderUpgradeRequested>().Single().UpgradeOrder;
        Assert.Equal(("CS7", "CS7-000001", "upgrade", "CS1", instanceId, "PD2", "processing"),
            (upgrade.OrderId, upgrade.OrderLineId, upgrade.OrderType, upgrade.ParentOrderId, upgrade.InstanceId, upgrade.ProductId, upgrade.Status));
        var call = Assert.Single(Creates(active, decision));
        Assert.Equal("upgradeInstance", call.Activity);
        Assert.Contains("\"orderId\":\"CS7\"", call.Body);
        Assert.Equal("product.frozen", OrderInstanceRules.Upgrade(active, Buyer, target with { Frozen = true }, "CS8", T0).Error!.Code);
        Assert.Equal("validation.failed", OrderInstanceRules.Upgrade(active, Buyer, target with { SellerId = "seller-2" }, "CS8", T0).Error!.Code);
        Assert.Equal("completed", Fold(upgrade, OrderInstanceRules.CompleteUpgrade(upgrade, "call", T0)).Status);
        Assert.False(OrderInstanceRules.IsInstanceOrder(upgrade));
    }

    [Fact]
    public void A_repeat_under_the_same_order_id_changes_nothing_twice()
    {
        // A request that ran again after its first attempt died names its renewal, upgrade or unsubscribe order as the first
        // attempt did (the id comes from the request's identity): the repeat is accepted and changes nothing.
        var active = Active(out _);
        var renewed = Fold(active, OrderInstanceRules.Renew(active, Buyer, T0.AddYears(2), null, "CS9", T0));
        Assert.Empty(OrderInstanceRules.Renew(renewed, Buyer, T0.AddYears(2), null, "CS9", T0).Events);
        Assert.Equal("validation.failed", OrderInstanceRules.Renew(renewed, Buyer, T0.AddYears(2), null, "CS10", T0).Error!.Code); // another renewal

        var target = new Product { ProductId = "PD2", SellerId = "seller-1", Name = "Premium", DeliveryType = "saas", ChargingMode = ChargingMode.Period, CreatedAt = T0 };
        var upgraded = Fold(renewed, OrderInstanceRules.Upgrade(renewed, Buyer, target, "CS7", T0));
        Assert.Empty(OrderInstanceRules.Upgrade(upgraded, Buyer, target, "CS7", T0).Events);

        var released = Fold(upgraded, OrderInstanceRules.Unsubscribe(upgraded, Buyer, "CS3", T0));
        Assert.Empty(OrderInstanceRules.Unsubscribe(released, Buyer, "CS3", T0).Events);
        Assert.Equal("order.invalid-state", OrderInstanceRules.Unsubscribe(released, Buyer, "CS4", T0).Error!.Code);
        Assert.Equal("order.not-found", OrderInstanceRules.Unsubscribe(released, new Actor("buyer-2", Role.Buyer), "CS3", T0).Error!.Code);
    }

    [Fact]
    public void Placing_the_same_order_again_is_accepted_once()
    {
        var product = new Product { ProductId = "PD1", SellerId = "seller-1", Name = "Wiki", DeliveryType = "saas", ChargingMode = ChargingMode.Period, CreatedAt = T0 };
        var order = Placed();
        Assert.Single(OrderRules.Place(null, product, order).Events);
        Assert.Empty(OrderRules.Place(order, product, order with { PlacedAt = T0.AddMinutes(3) }).Events); // the same placement, repeated
        Assert.Equal("order.exists", OrderRules.Place(order, product, order with { BuyerId = "buyer-2" }).Error!.Code);
        Assert.Equal("order.exists", OrderRules.Place(order, product, order with { PeriodMonths = 24 }).Error!.Code);

        var id = CatalogueService.NewOrderId(T0, "request-1");
        Assert.Equal(id, CatalogueService.NewOrderId(T0.AddHours(5), "request-1"));
        Assert.Matches("^CS[0-9]{10}[A-Z2-9]{5}$", id);
        Assert.NotEqual(id, CatalogueService.NewOrderId(T0, "request-2"));
        Assert.Matches("^CS2503010800[A-Z2-9]{5}$", CatalogueService.NewOrderId(T0, null));
    }
}

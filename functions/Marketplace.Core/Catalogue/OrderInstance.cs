using Marketplace.Core.Common;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Catalogue;

/// <summary>A call about an order's instance, queued on the order (§7.10): it goes out when every earlier one has ended.</summary>
public sealed record QueuedInstanceCall(string CallId, string Activity, string Body, string? Discriminator, DateTimeOffset QueuedAt);

/// <summary>One change of a SaaS instance as the order shows it (renewal, upgrade, freeze, unfreeze, release...).</summary>
/// <summary>Order → metering: the order's instance became active, frozen or released.</summary>
public sealed record InstanceUsageChange(string OrderId, string InstanceId, string Status, DateTimeOffset At);

public sealed record InstanceChange(string Kind, string? OrderId, DateTimeOffset At, string? Detail = null);

public sealed record OrderInstanceCreated(string InstanceId, AppInfo? AppInfo, bool Manual, string CallId, DateTimeOffset At) : OrderEvent
{
    public override string Action => "instance.created";
    public override string? Reason => Manual ? "delivered by hand by the seller" : null;
}

public sealed record OrderInstanceFailed(string CallId, string Why, DateTimeOffset At) : OrderEvent
{
    public override string Action => "instance.failed";
    public override string? Reason => Why;
}

public sealed record OrderInstanceRetrying(string CallId, DateTimeOffset At) : OrderEvent
{
    public override string Action => "instance.retrying";
}

public sealed record OrderAppInfoReceived(AppInfo AppInfo, string CallId, DateTimeOffset At) : OrderEvent
{
    public override string Action => "instance.app-info";
}

public sealed record InstanceCallQueued(QueuedInstanceCall Call) : OrderEvent
{
    public override string Action => "instance.call-queued";
}

public sealed record InstanceCallFinished(string CallId, string Activity, string Outcome, DateTimeOffset At) : OrderEvent
{
    public override string Action => "instance.call-finished";
}

public sealed record OrderRenewed(string RenewalOrderId, string RenewalOrderLineId, string Scene, DateTimeOffset ExpireTime, string? ProductId, DateTimeOffset At) : OrderEvent
{
    public override string Action => "order.renewed";
}

public sealed record InstanceFrozen(string Why, DateTimeOffset At) : OrderEvent
{
    public override string Action => "instance.frozen";
    public override string? Reason => Why;
}

public sealed record InstanceUnfrozen(string Why, DateTimeOffset At) : OrderEvent
{
    public override string Action => "instance.unfrozen";
    public override string? Reason => Why;
}

public sealed record InstanceReleased(string UnsubscribeOrderId, string UnsubscribeOrderLineId, DateTimeOffset At) : OrderEvent
{
    public override string Action => "instance.released";
}

/// <summary>On the instance's order: an upgrade was bought; <see cref="UpgradeOrder"/> is the new order.</summary>
public sealed record OrderUpgradeRequested(Order UpgradeOrder, DateTimeOffset At) : OrderEvent
{
    public override string Action => "order.upgrade-requested";
}

/// <summary>On the upgrade order: the seller upgraded the instance.</summary>
public sealed record OrderUpgradeCompleted(string CallId, DateTimeOffset At) : OrderEvent
{
    public override string Action => "order.completed";
}

/// <summary>
/// The instant-SaaS lifecycle of an order (domain.md §6.3), driven by seller calls:
/// <list type="bullet">
/// <item>placing a <c>saas</c> order queues <c>newInstance</c> (business key orderId + orderLineId; on-demand: + productId);</item>
/// <item><c>creating</c> → <c>active</c> when the call succeeds (or the seller delivers it by hand) with the instanceId,
///   and the appInfo (from the 000004 polling, or from a <c>queryInstance</c> queued right after);</item>
/// <item><c>creating</c> → <c>failed</c> when the call parks; back to <c>creating</c> when the seller retries it;</item>
/// <item>renewal (<c>refreshInstance</c>), upgrade (<c>upgradeInstance</c> with the same instanceId, on a new order), freeze and
///   unfreeze (<c>updateInstanceStatus</c>) and unsubscribe (<c>releaseInstance</c>) change the order at once (the platform is
///   the source of truth) and queue the call that tells the seller.</item>
/// </list>
/// Calls about one instance go out one at a time, in the order they were queued (§7.10): each waits until the previous
/// one succeeded or was delivered by hand. A parked call therefore holds back the later ones until the seller retries it.
/// </summary>
public static class OrderInstanceRules
{
    public const string InstanceUsageTopic = "metering.instance-changed";

    public const string Saas = "saas";
    public const string UpgradeType = "upgrade";
    public const string UpgradePlacedTopic = "orders.upgrade-placed";
    public const string InvalidState = "order.invalid-state";
    public const string NotSaas = "order.not-saas";

    public static bool IsInstanceOrder(Order o) => o.DeliveryType == Saas && o.OrderType is null && o.Flow is null;

    /// <summary>The newInstance call of a SaaS order (idempotency key §7.5: orderId + orderLineId; on-demand also the productId).</summary>
    public static CreateSellerCallMessage NewInstanceMessage(Order o) =>
        CreateSellerCallMessage.For(o.SellerId, o.ProductId, SellerRequest.NewInstance(o.OrderId, o.OrderLineId, null),
            o.ChargingMode == ChargingMode.OnDemand ? "productId=" + o.ProductId : null, o.OrderId);

    public static string NewInstanceCallId(Order o) => NewInstanceMessage(o).CallId;

    public static Order Apply(Order s, OrderEvent e) => e switch
    {
        OrderInstanceCreated c => s with
        {
            Status = "active",
            InstanceId = c.InstanceId,
            AppInfo = c.AppInfo ?? s.AppInfo,
            FailedReason = null,
            ValidFrom = s.ValidFrom ?? c.At,
            ExpiresAt = s.ExpiresAt ?? (s.PeriodMonths is { } months ? c.At.AddMonths(months) : null),
            Changes = [.. s.Changes, new InstanceChange(c.Manual ? "created-by-hand" : "created", s.OrderId, c.At, c.InstanceId)],
        },
        OrderInstanceFailed f => s with { Status = "failed", FailedReason = f.Why },
        OrderInstanceRetrying => s with { Status = "creating", FailedReason = null },
        OrderAppInfoReceived a => s with { AppInfo = a.AppInfo },
        InstanceCallQueued q => Push(s, q.Call),
        InstanceCallFinished f => Pop(s, f.CallId),
        OrderRenewed r => s with
        {
            ExpiresAt = r.ExpireTime,
            Changes = [.. s.Changes, new InstanceChange(r.Scene == "RENEWAL_CHANGE" ? "renewal-change" : "renewal", r.RenewalOrderId, r.At,
                $"expireTime {SellerRequest.FormatExpireTime(r.ExpireTime)}" + (r.ProductId is null ? "" : $", productId {r.ProductId}"))],
        },
        InstanceFrozen f => s with { Status = "frozen", Changes = [.. s.Changes, new InstanceChange("freeze", null, f.At, f.Why)] },
        InstanceUnfrozen u => s with { Status = "active", Changes = [.. s.Changes, new InstanceChange("unfreeze", null, u.At, u.Why)] },
        InstanceReleased r => s with { Status = "released", Changes = [.. s.Changes, new InstanceChange("release", r.UnsubscribeOrderId, r.At)] },
        OrderUpgradeRequested u => s with
        {
            Changes = [.. s.Changes, new InstanceChange("upgrade", u.UpgradeOrder.OrderId, u.At, $"productId {u.UpgradeOrder.ProductId}")],
        },
        OrderUpgradeCompleted c => s with { Status = "completed", CompletedAt = c.At },
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    private static Order Push(Order s, QueuedInstanceCall call)
    {
        var (queued, active) = CallQueue.Enqueue(s.QueuedCalls, s.ActiveCallId, call);
        return s with { QueuedCalls = queued, ActiveCallId = active, InstanceCallCount = s.InstanceCallCount + 1 };
    }

    private static Order Pop(Order s, string callId)
    {
        var (rest, active) = CallQueue.Finish(s.QueuedCalls, s.ActiveCallId, callId);
        return s with { QueuedCalls = rest, ActiveCallId = active };
    }

    /// <summary>Which seller calls an order change starts: newInstance on placement, and the head of the instance's queue when it changes.</summary>
    public static IEnumerable<(string Topic, object Payload)> Outbox(Order after, OrderEvent e)
    {
        switch (e)
        {
            case OrderPlaced when IsInstanceOrder(after):
                yield return (SellerCallService.CreateTopic, NewInstanceMessage(after));
                break;
            case InstanceCallQueued q when after.ActiveCallId == q.Call.CallId:
                yield return (SellerCallService.CreateTopic, CallMessage(after, q.Call));
                break;
            case InstanceCallFinished when CallQueue.HeadMessage(after.SellerId, after.ProductId, after.QueuedCalls, after.ActiveCallId, after.OrderId) is { } next:
                yield return (SellerCallService.CreateTopic, next);
                break;
            case OrderUpgradeRequested u:
                yield return (UpgradePlacedTopic, u.UpgradeOrder);
                break;
            // Metering follows the instance: usage is accepted for active instances only (§8.2 codes 001, 013).
            case OrderInstanceCreated c:
                yield return (InstanceUsageTopic, new InstanceUsageChange(after.OrderId, c.InstanceId, "active", c.At));
                break;
            case InstanceFrozen f when after.InstanceId is { } frozen:
                yield return (InstanceUsageTopic, new InstanceUsageChange(after.OrderId, frozen, "frozen", f.At));
                break;
            case InstanceUnfrozen u when after.InstanceId is { } unfrozen:
                yield return (InstanceUsageTopic, new InstanceUsageChange(after.OrderId, unfrozen, "active", u.At));
                break;
            case InstanceReleased r when after.InstanceId is { } released:
                yield return (InstanceUsageTopic, new InstanceUsageChange(after.OrderId, released, "released", r.At));
                break;
        }
    }

    public static IReadOnlyDictionary<string, string> Tags(Order o)
    {
        var tags = new Dictionary<string, string> { ["buyerId"] = o.BuyerId, ["sellerId"] = o.SellerId };
        if (o.InstanceId is { } instanceId && o.OrderType is null) tags["instanceId"] = instanceId;
        return tags;
    }

    private static CreateSellerCallMessage CallMessage(Order o, QueuedInstanceCall c) => CallQueue.Message(o.SellerId, o.ProductId, c, o.OrderId);

    /// <summary>
    /// Brings the order in line with one of its calls, read from the call itself (so the order in which the call's
    /// messages arrive does not matter, and a repeat changes nothing).
    /// </summary>
    public static Decision<OrderEvent> SyncCall(Order? o, SellerCall call, DateTimeOffset now)
    {
        if (o is null) return Decision<OrderEvent>.Accept();
        var events = new List<OrderEvent>();
        if (call.Activity == SellerActivities.NewInstance && IsInstanceOrder(o) && call.CallId == NewInstanceCallId(o))
        {
            switch (call.Status)
            {
                case SellerCallStatus.Succeeded or SellerCallStatus.ManuallyDelivered when o.InstanceId is null:
                    var instanceId = call.InstanceId ?? call.Result?.InstanceId;
                    if (instanceId is null) break;
                    var appInfo = call.Result?.AppInfo;
                    events.Add(new OrderInstanceCreated(instanceId, appInfo, call.Status == SellerCallStatus.ManuallyDelivered, call.CallId, now));
                    if (appInfo is null)
                        events.Add(Queue(o, 1, SellerRequest.QueryInstance([instanceId]), now));
                    break;
                case SellerCallStatus.Parked when o.Status == "creating":
                    events.Add(new OrderInstanceFailed(call.CallId, call.ParkedReason ?? "The newInstance call was parked.", now));
                    break;
                case SellerCallStatus.Pending or SellerCallStatus.Retrying or SellerCallStatus.InProgress when o.Status == "failed":
                    events.Add(new OrderInstanceRetrying(call.CallId, now));
                    break;
            }
        }
        else if (call.IsTerminal && o.QueuedCalls.Any(q => q.CallId == call.CallId))
        {
            events.Add(new InstanceCallFinished(call.CallId, call.Activity, SellerCallStatusNames.Wire(call.Status), now));
            if (call.Activity == SellerActivities.QueryInstance && call.Result?.AppInfo is { } info)
                events.Add(new OrderAppInfoReceived(info, call.CallId, now));
        }

        return Decision<OrderEvent>.Accept(events);
    }

    /// <summary>The upgrade order learns that the seller upgraded the instance.</summary>
    public static Decision<OrderEvent> CompleteUpgrade(Order? upgrade, string callId, DateTimeOffset now) =>
        upgrade is { OrderType: UpgradeType, Status: "processing" }
            ? Decision<OrderEvent>.Accept(new OrderUpgradeCompleted(callId, now))
            : Decision<OrderEvent>.Accept();

    /// <summary>Creates the upgrade order (idempotent: it may come from the route and from the outbox).</summary>
    public static Decision<OrderEvent> PlaceUpgrade(Order? existing, Order upgrade) =>
        existing is null ? Decision<OrderEvent>.Accept(new OrderPlaced(upgrade)) : Decision<OrderEvent>.Accept();

    /// <summary>Renewal (scene RENEWAL) or renewal change (RENEWAL_CHANGE with the new productId, after a passed changeInstanceCheck).
    /// A frozen instance is unfrozen by its renewal (§6.3).</summary>
    public static Decision<OrderEvent> Renew(Order? o, Actor buyer, DateTimeOffset expireTime, string? newProductId, string renewalOrderId, DateTimeOffset now)
    {
        if (Done(o, buyer, renewalOrderId)) return Decision<OrderEvent>.Accept();
        if (Guard(o, buyer, ["active", "frozen"], "renewed") is { } error) return error;
        if (expireTime <= now) return DomainError.Invalid("validation.failed", "expireTime must be in the future.");
        if (o!.ExpiresAt is { } current && expireTime <= current)
            return DomainError.Invalid("validation.failed", $"expireTime must be after the current expiry {current.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}.");
        var scene = newProductId is null ? RefreshScene.Renewal : RefreshScene.RenewalChange;
        var line = renewalOrderId + "-000001";
        var events = new List<OrderEvent>
        {
            new OrderRenewed(renewalOrderId, line, scene.ToWire(), expireTime, newProductId, now),
            Queue(o, 1, SellerRequest.RefreshInstance(scene, renewalOrderId, line, o.InstanceId!, expireTime, newProductId), now),
        };
        if (o.Status == "frozen")
        {
            events.Add(new InstanceUnfrozen($"renewed by order {renewalOrderId}", now));
            events.Add(Queue(o, 2, SellerRequest.UpdateInstanceStatus(o.InstanceId!, InstanceStatusChange.Unfreeze), now));
        }

        return Decision<OrderEvent>.Accept(events);
    }

    /// <summary>Upgrade: a new order for <paramref name="target"/>, and upgradeInstance on the same instance.</summary>
    public static Decision<OrderEvent> Upgrade(Order? o, Actor buyer, Product target, string upgradeOrderId, DateTimeOffset now)
    {
        if (Done(o, buyer, upgradeOrderId)) return Decision<OrderEvent>.Accept();
        if (Guard(o, buyer, ["active"], "upgraded") is { } error) return error;
        if (target.Frozen)
            return DomainError.Conflict("product.frozen", $"Product {target.ProductId} is frozen and takes no new orders: {target.FrozenReason}");
        if (target.SellerId != o!.SellerId || target.DeliveryType != Saas)
            return DomainError.Invalid("validation.failed", "An upgrade must be to another SaaS product of the same seller.");
        if (target.ProductId == o.ProductId) return DomainError.Invalid("validation.failed", "The order already runs this product.");
        var upgrade = UpgradeOrder(o, target, upgradeOrderId, now);
        return Decision<OrderEvent>.Accept(
            new OrderUpgradeRequested(upgrade, now),
            Queue(o, 1, SellerRequest.UpgradeInstance(o.InstanceId!, upgrade.OrderId, upgrade.OrderLineId), now));
    }

    /// <summary>The upgrade order of <paramref name="o"/> to <paramref name="target"/>, placed at <paramref name="now"/>.</summary>
    public static Order UpgradeOrder(Order o, Product target, string upgradeOrderId, DateTimeOffset now) =>
        o with
        {
            OrderId = upgradeOrderId,
            OrderLineId = upgradeOrderId + "-000001",
            ProductId = target.ProductId,
            ChargingMode = target.ChargingMode,
            PlacedAt = now,
            OrderType = UpgradeType,
            ParentOrderId = o.OrderId,
            Status = "processing",
            AppInfo = null,
            FailedReason = null,
            ActiveCallId = null,
            QueuedCalls = [],
            InstanceCallCount = 0,
            Changes = [],
            CompletedAt = null,
        };

    /// <summary>Unsubscribe: the instance is released, with the unsubscribe order's ids.</summary>
    public static Decision<OrderEvent> Unsubscribe(Order? o, Actor buyer, string unsubscribeOrderId, DateTimeOffset now)
    {
        if (Done(o, buyer, unsubscribeOrderId)) return Decision<OrderEvent>.Accept();
        if (Guard(o, buyer, ["active", "frozen"], "unsubscribed") is { } error) return error;
        var line = unsubscribeOrderId + "-000001";
        return Decision<OrderEvent>.Accept(
            new InstanceReleased(unsubscribeOrderId, line, now),
            Queue(o!, 1, SellerRequest.ReleaseInstance(o!.InstanceId!, unsubscribeOrderId, line), now));
    }

    /// <summary>Ops freeze (expiry, violation) or unfreeze (renewal, violation lifted) an instance.</summary>
    public static Decision<OrderEvent> ChangeStatus(Order? o, Actor ops, InstanceStatusChange change, string? reason, DateTimeOffset now)
    {
        var freeze = change == InstanceStatusChange.Freeze;
        if (Guard(o, ops, [freeze ? "active" : "frozen"], freeze ? "frozen" : "unfrozen") is { } error) return error;
        var why = string.IsNullOrWhiteSpace(reason) ? $"{(freeze ? "frozen" : "unfrozen")} by {ops.Id}" : reason.Trim();
        if (why.Length > 500) return DomainError.Invalid("validation.failed", "reason is at most 500 characters.");
        return Decision<OrderEvent>.Accept(
            freeze ? new InstanceFrozen(why, now) : new InstanceUnfrozen(why, now),
            Queue(o!, 1, SellerRequest.UpdateInstanceStatus(o!.InstanceId!, change), now));
    }

    /// <summary>The n-th call queued by this decision; the discriminator numbers the instance's calls, so a repeated status
    /// (FREEZE, UNFREEZE, FREEZE) is a new call each time.</summary>
    private static InstanceCallQueued Queue(Order o, int n, SellerRequest request, DateTimeOffset now) =>
        new(CallQueue.Entry(o.SellerId, o.ProductId, o.InstanceCallCount, n, request, now));

    /// <summary>
    /// A repeat of a renewal, upgrade or unsubscribe already made under this order id: the id comes from the request's
    /// identity (<see cref="CatalogueService.NewOrderId"/>), so a request that runs again after its first attempt died
    /// changes nothing twice.
    /// </summary>
    private static bool Done(Order? o, Actor actor, string changeOrderId) =>
        o is not null && (actor.Role != Role.Buyer || o.BuyerId == actor.Id) && o.Changes.Any(c => c.OrderId == changeOrderId);

    private static DomainError? Guard(Order? o, Actor actor, string[] allowed, string verb)
    {
        var visible = o is not null && actor.Role switch
        {
            Role.Buyer => o.BuyerId == actor.Id,
            Role.Ops or Role.System => true,
            _ => false,
        };
        if (!visible) return DomainError.NotFound("order.not-found", "The order does not exist.");
        if (!IsInstanceOrder(o!))
            return DomainError.Conflict(NotSaas, $"Order {o!.OrderId} has no SaaS instance (only purchases of instant SaaS products have one).");
        if (o!.InstanceId is null || !allowed.Contains(o.Status))
            return DomainError.Conflict(InvalidState,
                $"The instance of order {o.OrderId} is {o.Status}; it can be {verb} only when {string.Join(" or ", allowed)}.");
        return null;
    }
}

using System.Globalization;
using System.Text.Json;
using Marketplace.Core.Notifications;
using Marketplace.Core.Persistence;
using Marketplace.Core.Work;

namespace Marketplace.Core.SellerCalls;

/// <summary>Wakes a seller call at its next attempt (or its window's end) and makes the attempt.</summary>
public sealed class SellerCallTickHandler(SellerCallService calls) : ITickHandler
{
    public string Kind => SellerCallService.Kind;

    public Task TickAsync(string id, CancellationToken ct) => calls.RunDueAsync(id, ct);
}

/// <summary>Queues the call another aggregate asked for in its outbox, and makes its first attempt. Idempotent: the call id is the business key.</summary>
public sealed class CreateSellerCallHandler(SellerCallService calls) : IOutboxHandler
{
    public string Topic => SellerCallService.CreateTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        calls.CreateAndAttemptAsync(item.Read<CreateSellerCallMessage>().ToCommand(), ct);
}

/// <summary>Each failed attempt and each parked call becomes one notification for the seller (§7.6).</summary>
public sealed class SellerCallNoticeHandler(INotifier notifier) : IOutboxHandler
{
    public string Topic => SellerCallService.NotifyTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct)
    {
        var notice = item.Read<SellerCallNotice>();
        return notifier.NotifyAsync(ToNotification(notice, item.MessageId), ct);
    }

    /// <summary>The key names the call and the outbox message that caused it, so a redelivery overwrites the same notification.</summary>
    public static Notification ToNotification(SellerCallNotice notice, string? messageId) => new(
        notice.SellerId,
        $"{notice.CallId}-{messageId ?? notice.At.UtcTicks.ToString(CultureInfo.InvariantCulture)}",
        notice.At,
        notice.Kind == SellerCallNoticeKind.Parked ? "call.parked" : "call.attempt-failed",
        notice.Subject,
        notice.Body,
        CallId: notice.CallId,
        OrderId: notice.OrderId);
}

namespace Marketplace.Core.Notifications;

/// <summary>
/// A message for a seller (their "production interface messages" and alerts) or for the operations team. The
/// <see cref="Key"/> is deterministic (made from what caused it), so a notification delivered twice is stored once.
/// </summary>
public sealed record Notification(
    string Recipient,
    string Key,
    DateTimeOffset At,
    string Kind,
    string Subject,
    string Body,
    string? CallId = null,
    string? OrderId = null,
    string? ProductId = null);

/// <summary>Who a notification is for: a seller id, or <see cref="Ops"/>.</summary>
public static class Recipients
{
    public const string Ops = "ops";
}

/// <summary>
/// Sends notifications (locally: a log line and a Table row per recipient; in production the same record feeds email,
/// SMS and in-site messages to the seller's message receivers). Must be idempotent by <see cref="Notification.Key"/>.
/// </summary>
public interface INotifier
{
    Task NotifyAsync(Notification notification, CancellationToken ct);
}

/// <summary>Reads a recipient's notifications, newest first.</summary>
public interface INotificationInbox
{
    IAsyncEnumerable<Notification> ListAsync(string recipient, int max, CancellationToken ct);
}

using System.Globalization;

namespace Marketplace.Core.SellerCalls;

public enum SellerCallNoticeKind
{
    AttemptFailed,
    Parked,
}

/// <summary>
/// What to tell the seller (email, SMS, in-site message; §7.6) about a failed attempt or a parked call. The use case
/// turns it into a notification record addressed to the seller's message receivers.
/// </summary>
public sealed record SellerCallNotice(
    SellerCallNoticeKind Kind,
    string CallId,
    string SellerId,
    string Activity,
    string? OrderId,
    string? InstanceId,
    DateTimeOffset At,
    string Subject,
    string Body)
{
    /// <summary>The notice for an event, or null when the event needs none. <paramref name="after"/> is the state after the event.</summary>
    public static SellerCallNotice? For(SellerCall after, ISellerCallEvent e)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(e);
        if (!e.NotifySeller)
        {
            return null;
        }

        var what = after.OrderId is null ? after.Activity : $"{after.Activity} for order {after.OrderId}";
        return e switch
        {
            SellerCallAttemptFailed f => new SellerCallNotice(
                SellerCallNoticeKind.AttemptFailed, after.CallId, after.SellerId, after.Activity, after.OrderId, after.InstanceId, f.At,
                $"Production interface call failed: {what}",
                $"Attempt {f.Attempt.Number} at {Utc(f.Attempt.At)} failed: {f.Attempt.Error}."
                + (f.NextAttemptAt is { } next ? $" The platform tries again at {Utc(next)}." : "")),
            SellerCallParked p => new SellerCallNotice(
                SellerCallNoticeKind.Parked, after.CallId, after.SellerId, after.Activity, after.OrderId, after.InstanceId, p.At,
                $"Production interface call stopped: {what}",
                p.ParkReason + " Retry it from your production interface messages"
                + (after.Activity == Protocol.SellerActivities.NewInstance ? ", or deliver the instance by hand." : ".")),
            _ => null,
        };
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

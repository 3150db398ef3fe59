using System.Globalization;
using Marketplace.Core.Catalogue;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.SellerCalls;

/// <summary>
/// The calls about one thing at a seller (a SaaS instance, a license code) go out one at a time, in the order they were
/// queued (§7.10): the head is under way, the rest wait until it succeeded or was delivered by hand, so a FREEZE, an
/// UNFREEZE and a release are never swapped. The aggregate that owns the thing keeps the queue on its snapshot; these
/// are the queue's pure steps.
/// </summary>
public static class CallQueue
{
    /// <summary>
    /// The <paramref name="n"/>-th call queued by one decision. The discriminator numbers the owner's calls
    /// (<paramref name="callCount"/> so far), so a repeated status (FREEZE, UNFREEZE, FREEZE) is a new call each time.
    /// </summary>
    public static QueuedInstanceCall Entry(string sellerId, string productId, int callCount, int n, SellerRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var discriminator = "n" + (callCount + n).ToString(CultureInfo.InvariantCulture);
        var callId = new CreateSellerCall(sellerId, productId, request, discriminator).CallId;
        return new QueuedInstanceCall(callId, request.Activity, request.Body, discriminator, now);
    }

    /// <summary>The queue with <paramref name="call"/> at its end; it becomes the head when nothing is under way.</summary>
    public static (IReadOnlyList<QueuedInstanceCall> Queued, string? Active) Enqueue(IReadOnlyList<QueuedInstanceCall> queued, string? active, QueuedInstanceCall call) =>
        ([.. queued, call], active ?? call.CallId);

    /// <summary>The queue without the finished call; the next one becomes the head when the finished one was it.</summary>
    public static (IReadOnlyList<QueuedInstanceCall> Queued, string? Active) Finish(IReadOnlyList<QueuedInstanceCall> queued, string? active, string callId)
    {
        var rest = queued.Where(q => q.CallId != callId).ToList();
        return (rest, active == callId || active is null ? rest.FirstOrDefault()?.CallId : active);
    }

    /// <summary>The outbox message that queues the call at the seller-call service.</summary>
    public static CreateSellerCallMessage Message(string sellerId, string productId, QueuedInstanceCall call, string? orderRef) =>
        new(sellerId, productId, call.Activity, call.Body, call.Discriminator, orderRef);

    /// <summary>The message for the head of the queue after a change, when that change made a call the head.</summary>
    public static CreateSellerCallMessage? HeadMessage(string sellerId, string productId, IReadOnlyList<QueuedInstanceCall> queued, string? active, string? orderRef) =>
        active is null ? null : Message(sellerId, productId, queued.First(c => c.CallId == active), orderRef);
}

using System.Text.Json;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Marketplace.Core.Work;

namespace Marketplace.Core.HardwareUnsubscribe;

/// <summary>Wakes an application at its deadline: the review window (appeal), the return window (withdrawn).</summary>
public sealed class UnsubscriptionTickHandler(AggregateRunner runner, Unsubscriptions unsubscriptions) : ITickHandler
{
    public string Kind => Unsubscriptions.Kind;
    public Task TickAsync(string id, CancellationToken ct) => runner.TickAsync(unsubscriptions.Definition, id, ct);
}

/// <summary>
/// A quota slot was claimed: open its application if the request did not (idempotent). The slot was claimed by the
/// buyer's own request, so the application is recorded as the buyer's.
/// </summary>
public sealed class OpenUnsubscriptionHandler(Unsubscriptions unsubscriptions) : IOutboxHandler
{
    public string Topic => Unsubscriptions.OpenTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct)
    {
        var application = item.Read<OpenUnsubscriptionMessage>();
        return unsubscriptions.OpenAsync(application, new Actor(application.BuyerId, Role.Buyer), ct);
    }
}

/// <summary>An application entered Refunding: the refund is made, and the application is done.</summary>
public sealed class UnsubscribeRefundHandler(Unsubscriptions unsubscriptions) : IOutboxHandler
{
    public string Topic => Unsubscriptions.RefundTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        unsubscriptions.RefundAsync(item.Read<UnsubscriptionMessage>().UnsubscriptionId, ct);
}

/// <summary>An application is done: the order's supervision case closes (and the order follows it).</summary>
public sealed class UnsubscribeCloseCaseHandler(Unsubscriptions unsubscriptions) : IOutboxHandler
{
    public string Topic => Unsubscriptions.CloseCaseTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        unsubscriptions.CloseCaseAsync(item.Read<UnsubscriptionMessage>().UnsubscriptionId, ct);
}

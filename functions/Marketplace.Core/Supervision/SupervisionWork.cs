using System.Text.Json;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Persistence;
using Marketplace.Core.Work;

namespace Marketplace.Core.Supervision;

/// <summary>Wakes a case at its deadline: stall windows, hardware auto-acceptance.</summary>
public sealed class CaseTickHandler(AggregateRunner runner, SupervisionCases cases) : ITickHandler
{
    public string Kind => SupervisionCases.Kind;
    public Task TickAsync(string id, CancellationToken ct) => runner.TickAsync(cases.Definition, id, ct);
}

/// <summary>A case ended: the order's status follows (completed or closed).</summary>
public sealed class OrderSupervisionEndedHandler(CatalogueService catalogue, SupervisionCases cases) : IOutboxHandler
{
    public string Topic => SupervisionCases.OrderEndedTopic;

    public async Task HandleAsync(WorkItem item, CancellationToken ct)
    {
        var message = item.Read<OrderSupervisionEndedMessage>();
        await catalogue.EndSupervisionAsync(message, ct);
        await cases.ConfirmOrderSyncAsync(message.CaseId, ct);
    }
}

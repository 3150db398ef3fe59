using System.Text.Json;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Marketplace.Core.Work;

namespace Marketplace.Core.Metering;

/// <summary>
/// Keeps the metered-instance index in step with the order's instance: registered when the seller's instance is
/// created, frozen, unfrozen or released as the order says. Idempotent, like every outbox handler.
/// </summary>
public sealed class InstanceUsageHandler(CatalogueService catalogue, MeteredInstances instances) : IOutboxHandler
{
    public string Topic => OrderInstanceRules.InstanceUsageTopic;

    public async Task HandleAsync(WorkItem item, CancellationToken ct)
    {
        var change = item.Read<InstanceUsageChange>();
        switch (change.Status)
        {
            case "active":
                var order = await catalogue.GetOrderAsync(change.OrderId, Actor.Platform, ct);
                var product = await catalogue.GetProductAsync(order.ProductId, ct);
                await instances.RegisterAsync(order, product, change.InstanceId, InstanceUsageStatus.Active, ct);
                break;
            case "frozen":
                await instances.SetStatusAsync(change.InstanceId, InstanceUsageStatus.Frozen, change.At, ct);
                break;
            case "released":
                await instances.SetStatusAsync(change.InstanceId, InstanceUsageStatus.Released, change.At, ct);
                break;
        }
    }
}

using System.Text.Json;
using Marketplace.Core.Persistence;
using Marketplace.Core.Work;

namespace Marketplace.Core.Assets;

/// <summary>Wakes an asset whose scan did not finish in time.</summary>
public sealed class AssetTickHandler(AggregateRunner runner, AssetCenter assets) : ITickHandler
{
    public string Kind => AssetCenter.Kind;
    public Task TickAsync(string id, CancellationToken ct) => runner.TickAsync(assets.Definition, id, ct);
}

/// <summary>A version was uploaded (or its scan re-queued): scan it.</summary>
public sealed class AssetScanHandler(AssetCenter assets) : IOutboxHandler
{
    public string Topic => AssetCenter.ScanTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct)
    {
        var message = item.Read<AssetScanMessage>();
        return assets.ScanAsync(message.AssetId, message.Version, ct);
    }
}

/// <summary>An asset was deleted: remove its files.</summary>
public sealed class AssetPurgeHandler(AssetCenter assets) : IOutboxHandler
{
    public string Topic => AssetCenter.PurgeTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        assets.PurgeAsync(item.Read<AssetPurgeMessage>(), ct);
}

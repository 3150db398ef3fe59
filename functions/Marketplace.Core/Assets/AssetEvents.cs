using Marketplace.Core.Common;

namespace Marketplace.Core.Assets;

public abstract record AssetEvent(DateTimeOffset At) : IDomainEvent
{
    public abstract string Action { get; }
    public virtual string? Reason => null;
}

public sealed record AssetSubmitted(DateTimeOffset At, string AssetId, string SellerId, AssetType Type, string Name, string? Description, string? DataInfo, AssetFile File) : AssetEvent(At)
{
    public override string Action => AssetActions.Submitted;
    public override string? Reason => $"{File.FileName} v{File.Version} sha256={File.Sha256}";
}

public sealed record AssetModified(DateTimeOffset At, AssetFile File, string? Name, string? Description, string? DataInfo) : AssetEvent(At)
{
    public override string Action => AssetActions.Modified;
    public override string? Reason => $"{File.FileName} v{File.Version} sha256={File.Sha256}";
}

public sealed record AssetScanStarted(DateTimeOffset At, int Version) : AssetEvent(At)
{
    public override string Action => AssetActions.ScanStarted;
}

/// <summary>The scan did not finish within the scan timeout: it is queued again.</summary>
public sealed record AssetScanRequeued(DateTimeOffset At, int Version, int Round) : AssetEvent(At)
{
    public override string Action => AssetActions.ScanRequeued;
    public override string? Reason => $"the scan of version {Version} did not finish in time (round {Round})";
}

public sealed record AssetScanned(DateTimeOffset At, ScanResult Result) : AssetEvent(At)
{
    public override string Action => Result.Approved ? AssetActions.Approved : AssetActions.Rejected;
    public override string? Reason => Result.Findings.Count == 0 ? null : string.Join(AssetFormats.Separator, Result.Findings.Select(f => f.Message));
}

public sealed record AssetReferenced(DateTimeOffset At, string ProductId) : AssetEvent(At)
{
    public override string Action => AssetActions.Referenced;
    public override string? Reason => ProductId;
}

public sealed record AssetUnreferenced(DateTimeOffset At, string ProductId) : AssetEvent(At)
{
    public override string Action => AssetActions.Unreferenced;
    public override string? Reason => ProductId;
}

/// <summary>The asset is deleted; <see cref="Paths"/> are its files, removed after the commit.</summary>
public sealed record AssetDeleted(DateTimeOffset At, IReadOnlyList<string> Paths) : AssetEvent(At)
{
    public override string Action => AssetActions.Deleted;
}

public static class AssetActions
{
    public const string Submitted = "asset.submitted";
    public const string Modified = "asset.modified";
    public const string ScanStarted = "scan.started";
    public const string ScanRequeued = "scan.requeued";
    public const string Approved = "scan.approved";
    public const string Rejected = "scan.rejected";
    public const string Referenced = "product.referenced";
    public const string Unreferenced = "product.unreferenced";
    public const string Deleted = "asset.deleted";
}

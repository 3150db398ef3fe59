using Marketplace.Core.Supervision;

namespace Marketplace.Core.Assets;

/// <summary>What the seller (or ops) sees of an asset (GET /api/assets/{id}).</summary>
public sealed record AssetView(
    string AssetId,
    string SellerId,
    string Type,
    string Name,
    string? Description,
    string? DataInfo,
    string Status,
    DateTimeOffset StatusEnteredAt,
    DateTimeOffset CreatedAt,
    AssetFileView File,
    int? ApprovedVersion,
    ScanResult? Scan,
    string? Errors,
    IReadOnlyList<string> UsedByProducts,
    IReadOnlyList<AssetFileView> History,
    long Version,
    IReadOnlyList<TimelineEntry> Timeline,
    bool TimelineVerified);

public sealed record AssetFileView(int Version, string FileName, string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt)
{
    public static AssetFileView Of(AssetFile f) => new(f.Version, f.FileName, f.ContentType, f.Size, f.Sha256, f.UploadedAt);
}

/// <summary>A line of GET /api/assets and GET /api/products/{id}/assets.</summary>
public sealed record AssetSummary(string AssetId, string SellerId, string Type, string Name, string Status, int FileVersion, string FileName, long Size,
    int? ApprovedVersion, DateTimeOffset StatusEnteredAt, IReadOnlyList<string> UsedByProducts)
{
    public static AssetSummary Of(Asset a) => new(a.AssetId, a.SellerId, a.Type.ToWire(), a.Name, a.Status.ToString(), a.File.Version, a.File.FileName, a.File.Size,
        a.ApprovedVersion, a.StatusEnteredAt, a.UsedByProducts);
}

/// <summary>The outbox message that asks for the scan of one version.</summary>
public sealed record AssetScanMessage(string AssetId, int Version);

/// <summary>The outbox message that removes a deleted asset's files.</summary>
public sealed record AssetPurgeMessage(string AssetId, IReadOnlyList<string> Paths);

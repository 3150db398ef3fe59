namespace Marketplace.Core.Assets;

/// <summary>The lifecycle of an asset (§6.7). The names are the API's status names.</summary>
public enum AssetStatus
{
    /// <summary>Uploaded (and, for a data file, its format checked); the security scan is queued.</summary>
    Submitted,

    /// <summary>The platform's security scan runs (off the request path).</summary>
    Scanning,

    /// <summary>Passed the scan: products may reference it.</summary>
    Approved,

    /// <summary>The scan found something; the findings say what. A new version may be uploaded.</summary>
    Rejected,

    /// <summary>Deleted by the seller; its files are removed. Terminal and invisible.</summary>
    Deleted,
}

/// <summary>One uploaded version of an asset's file (write-once in Blob storage).</summary>
public sealed record AssetFile(int Version, string FileId, string FileName, string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt);

/// <summary>The outcome of the scan of one version: every scanner's findings, and the verdict the rules drew from them.</summary>
public sealed record ScanResult(int Version, bool Approved, IReadOnlyList<ScanFinding> Findings, IReadOnlyList<string> Scanners, DateTimeOffset At);

/// <summary>
/// An asset of a seller (§5.7): a software package or a data file, its current file version, where it stands in the
/// scan, and which products use it. Immutable: <see cref="AssetRules.Apply"/> returns a new one.
/// </summary>
public sealed record Asset
{
    public required string AssetId { get; init; }
    public required string SellerId { get; init; }
    public required AssetType Type { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }

    /// <summary>Seed 002: a data-file asset's 数据信息 (what the data is).</summary>
    public string? DataInfo { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required AssetStatus Status { get; init; }
    public required DateTimeOffset StatusEnteredAt { get; init; }

    /// <summary>The version being scanned, or last scanned.</summary>
    public required AssetFile File { get; init; }

    /// <summary>Earlier versions, oldest first (their blobs are kept until the asset is deleted).</summary>
    public IReadOnlyList<AssetFile> History { get; init; } = [];

    /// <summary>Scan rounds of the current version: 1 at the upload, one more each time a timed-out scan is re-queued.</summary>
    public int ScanRounds { get; init; }

    public ScanResult? Scan { get; init; }

    /// <summary>The newest version that passed a scan, if any (a product keeps using it while a newer one is scanned).</summary>
    public int? ApprovedVersion { get; init; }

    /// <summary>§5.7 usedByProducts: the products that reference this asset.</summary>
    public IReadOnlyList<string> UsedByProducts { get; init; } = [];

    public DateTimeOffset? DeletedAt { get; init; }

    public IEnumerable<AssetFile> AllFiles => [.. History, File];
}

using Marketplace.Core.Common;

namespace Marketplace.Core.Assets;

public abstract record AssetCommand(Actor Actor);

/// <summary>§6.7: the seller adds an asset (新增资产); the file is already stored and, for a data file, checked.</summary>
public sealed record SubmitAsset(Actor Actor, string AssetId, AssetType Type, string Name, string? Description, string? DataInfo, AssetFile File) : AssetCommand(Actor);

/// <summary>S004.02: the seller modifies the asset with a new file version (and optionally new texts).</summary>
public sealed record ModifyAsset(Actor Actor, AssetFile File, string? Name = null, string? Description = null, string? DataInfo = null) : AssetCommand(Actor);

/// <summary>The platform starts the scan of a version (a stale or repeated start changes nothing).</summary>
public sealed record StartScan(Actor Actor, int Version) : AssetCommand(Actor);

/// <summary>The platform records the scanners' findings for a version (a stale result changes nothing).</summary>
public sealed record RecordScan(Actor Actor, int Version, IReadOnlyList<ScanFinding> Findings, IReadOnlyList<string> Scanners) : AssetCommand(Actor);

/// <summary>S000.11: a product of the seller references the (approved) asset.</summary>
public sealed record ReferenceAsset(Actor Actor, string ProductId) : AssetCommand(Actor);

public sealed record UnreferenceAsset(Actor Actor, string ProductId) : AssetCommand(Actor);

/// <summary>S004.02: the seller deletes the asset.</summary>
public sealed record DeleteAsset(Actor Actor, IReadOnlyList<string> Paths) : AssetCommand(Actor);

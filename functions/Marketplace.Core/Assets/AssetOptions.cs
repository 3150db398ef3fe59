namespace Marketplace.Core.Assets;

/// <summary>
/// Settings of the asset center (configuration section <c>Assets</c>). The data-file limit (10M, seed 002) is a rule,
/// not a setting. Tests shrink the limits.
/// </summary>
public sealed class AssetOptions
{
    public const string SectionName = "Assets";

    /// <summary>Largest software package accepted (bytes); enforced while the upload streams.</summary>
    public long MaxPackageBytes { get; set; } = 1L << 30;

    /// <summary>Most entries in a package, nested archives included.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Most bytes a package may expand to, as a multiple of its size (decompression bombs).</summary>
    public double MaxExpansionRatio { get; set; } = 100;

    /// <summary>Most bytes a package may expand to, whatever its ratio.</summary>
    public long MaxExpandedBytes { get; set; } = 8L << 30;

    /// <summary>How deep the scanner opens archives inside archives.</summary>
    public int MaxNestingDepth { get; set; } = 2;

    /// <summary>A scan not finished after this long is queued again.</summary>
    public TimeSpan ScanTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>After this many rounds without a result the asset is rejected (<c>scan.incomplete</c>).</summary>
    public int MaxScanRounds { get; set; } = 3;

    /// <summary>P42: a vulnerability a scanner reports with a CVSS score of at least this rejects the asset.</summary>
    public double RejectCvss { get; set; } = 7.0;

    /// <summary>Folder for scratch files (data-file checks, scans); empty: the system's temp folder.</summary>
    public string? TempPath { get; set; }

    public ArchiveLimits Limits => new(MaxEntries, MaxExpansionRatio, MaxExpandedBytes, MaxNestingDepth, string.IsNullOrWhiteSpace(TempPath) ? null : TempPath);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxPackageBytes < 1) problems.Add("Assets:MaxPackageBytes must be positive.");
        if (MaxEntries < 1) problems.Add("Assets:MaxEntries must be at least 1.");
        if (!(MaxExpansionRatio >= 1)) problems.Add("Assets:MaxExpansionRatio must be at least 1.");
        if (MaxExpandedBytes < 1) problems.Add("Assets:MaxExpandedBytes must be positive.");
        if (MaxNestingDepth < 0) problems.Add("Assets:MaxNestingDepth must not be negative.");
        if (ScanTimeout <= TimeSpan.Zero) problems.Add("Assets:ScanTimeout must be positive.");
        if (MaxScanRounds < 1) problems.Add("Assets:MaxScanRounds must be at least 1.");
        if (RejectCvss is < 0 or > 10) problems.Add("Assets:RejectCvss must be between 0 and 10.");
        return problems;
    }
}

namespace Marketplace.Core.Assets;

/// <summary>What a scanner gets: the asset's facts and its file as a seekable, read-only stream (a local copy).</summary>
public sealed record AssetScanSubject(string AssetId, int Version, AssetType Type, string FileName, long Length, Stream Content);

/// <summary>One scanner's findings (empty: nothing found).</summary>
public sealed record AssetScanReport(string Scanner, IReadOnlyList<ScanFinding> Findings);

/// <summary>
/// The security scan port (S000.11, S000.20, P42). Every registered scanner scans every version; the rules decide
/// from all their findings. The built-in scanner does the structural checks and finds the EICAR test file; a real
/// anti-virus or vulnerability scanner plugs in beside it (a vulnerability finding carries its CVSS score).
/// A scanner that throws makes the scan retry; a scan that never finishes ends as <c>scan.incomplete</c>.
/// </summary>
public interface IAssetScanner
{
    string Name { get; }
    Task<AssetScanReport> ScanAsync(AssetScanSubject subject, CancellationToken ct);
}

/// <summary>
/// The built-in scanner: the raw bytes and every file inside (nested archives included, to the configured depth) are
/// searched for the EICAR test string; archives must be readable, free of absolute paths, path traversal and
/// escaping links, within the entry count and the expansion budget. A data file's xlsx is a zip container and gets the
/// same checks.
/// </summary>
public sealed class BuiltInAssetScanner(Microsoft.Extensions.Options.IOptions<AssetOptions> options) : IAssetScanner
{
    public string Name => "built-in";

    public async Task<AssetScanReport> ScanAsync(AssetScanSubject subject, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var findings = new List<ScanFinding>();
        // The raw bytes first: a stored (uncompressed) entry or a file that is no archive at all.
        var raw = new EicarMatcher();
        subject.Content.Position = 0;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while (!raw.Found && (read = await subject.Content.ReadAsync(buffer.AsMemory(0, 81920), ct)) > 0) raw.Feed(buffer.AsSpan(0, read));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        var format = AssetFormats.FormatOf(subject.Type, subject.FileName);
        if (format is null)
        {
            findings.Add(new(ScanRules.Unreadable, $"'{subject.FileName}' is not a format the scanner reads (.zip, .tar, .tar.gz, .xlsx)."));
        }
        else
        {
            subject.Content.Position = 0;
            findings.AddRange(await ArchiveInspector.InspectAsync(subject.Content, format.Value, options.Value.Limits, ct));
        }
        // Named by the entry when the archive walk found it there; else by the file itself.
        if (raw.Found && !findings.Any(f => f.Rule == ScanRules.Eicar))
            findings.Insert(0, new(ScanRules.Eicar, $"The EICAR anti-virus test file was found in '{subject.FileName}'.", subject.FileName));
        return new AssetScanReport(Name, findings);
    }
}

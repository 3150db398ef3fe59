namespace Marketplace.Core.Assets;

/// <summary>
/// One thing a scanner found. <see cref="Rule"/> is a stable code (e.g. <c>archive.path-traversal</c>); a blocking
/// finding rejects the asset, and so does a vulnerability whose CVSS score reaches <c>Assets:RejectCvss</c> (P42: 7.0).
/// </summary>
public sealed record ScanFinding(string Rule, string Message, string? Entry = null, double? Cvss = null, bool Blocking = true);

/// <summary>The stable rule codes of the built-in scanner.</summary>
public static class ScanRules
{
    public const string Unreadable = "archive.unreadable";
    public const string Empty = "archive.empty";
    public const string InvalidName = "archive.invalid-name";
    public const string AbsolutePath = "archive.absolute-path";
    public const string PathTraversal = "archive.path-traversal";
    public const string LinkEscape = "archive.link-escape";
    public const string SpecialEntry = "archive.special-entry";
    public const string TooManyEntries = "archive.too-many-entries";
    public const string ExpansionRatio = "archive.expansion-ratio";
    public const string ExpandedTooLarge = "archive.expanded-too-large";
    public const string Eicar = "malware.eicar-test-file";
    public const string Integrity = "file.integrity";
    public const string Incomplete = "scan.incomplete";
    public const string InvalidDataFile = "data-file.invalid";
}

/// <summary>
/// Limits of the structural check, from the <c>Assets</c> settings. The expansion limit of an archive is its size
/// times <see cref="MaxExpansionRatio"/>, never less than <see cref="RatioFloorBytes"/> (a few small, well-compressed
/// text files are not a bomb) and never more than <see cref="MaxExpandedBytes"/>; nested archives share it.
/// </summary>
public sealed record ArchiveLimits(int MaxEntries, double MaxExpansionRatio, long MaxExpandedBytes, int MaxNestingDepth, string? TempPath = null)
{
    public const long RatioFloorBytes = 1024 * 1024;

    public long ExpansionBudget(long archiveBytes)
    {
        var byRatio = archiveBytes * MaxExpansionRatio;
        var budget = Math.Max(byRatio, RatioFloorBytes);
        return budget >= MaxExpandedBytes ? MaxExpandedBytes : (long)budget;
    }
}

/// <summary>Entry name and link rules (P42 / zip-slip): names stay inside the folder the archive is unpacked into.</summary>
public static class ArchivePaths
{
    public static ScanFinding? CheckName(string display, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
            return new(ScanRules.InvalidName, $"Entry '{Printable(name)}' has an empty name or a NUL character.", display);
        var n = name.Replace('\\', '/');
        if (IsAbsolute(n))
            return new(ScanRules.AbsolutePath, $"Entry '{Printable(name)}' has an absolute path; entries must be relative to the package folder.", display);
        if (n.Split('/').Any(segment => segment == ".."))
            return new(ScanRules.PathTraversal, $"Entry '{Printable(name)}' leaves the package folder ('..'); this is a path traversal (zip slip).", display);
        return null;
    }

    /// <summary>A symbolic link's target, resolved from the link's folder, must stay inside the package folder.</summary>
    public static ScanFinding? CheckLinkTarget(string display, string linkName, string? target)
    {
        ArgumentNullException.ThrowIfNull(linkName);
        var t = (target ?? "").Replace('\\', '/');
        if (t.Length == 0) return new(ScanRules.LinkEscape, $"Link '{Printable(linkName)}' has no target.", display);
        if (IsAbsolute(t))
            return new(ScanRules.LinkEscape, $"Link '{Printable(linkName)}' points to the absolute path '{Printable(t)}'.", display);
        var depth = linkName.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Length - 1; // the link's folder
        foreach (var segment in t.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..") depth--;
            else if (segment != ".") depth++;
            if (depth < 0) return new(ScanRules.LinkEscape, $"Link '{Printable(linkName)}' points outside the package folder ('{Printable(t)}').", display);
        }
        return null;
    }

    private static bool IsAbsolute(string n) =>
        n.StartsWith('/') || (n.Length >= 2 && char.IsAsciiLetter(n[0]) && n[1] == ':');

    private static string Printable(string s)
    {
        var clean = new string(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 200 ? clean[..200] + "…" : clean;
    }
}

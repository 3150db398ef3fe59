namespace Marketplace.Core.Assets;

/// <summary>What an asset is (§5.7): an application asset's software package, or a data file's data-item file.</summary>
public enum AssetType
{
    SoftwarePackage,
    DataFile,
}

/// <summary>The container format of an uploaded file, from its name.</summary>
public enum ArchiveFormat
{
    Zip,
    Tar,
    TarGz,

    /// <summary>An Office Open XML workbook: a zip container with a workbook inside.</summary>
    Xlsx,
}

/// <summary>Upload rules that need no bytes: names, extensions and the data-file messages (seed 002).</summary>
public static class AssetFormats
{
    /// <summary>Seed 002 (S002.09): rule 1 of the data-item file.</summary>
    public const string XlsxOnly = "仅支持上传.xlsx格式的文件";

    /// <summary>Seed 002 (S002.09): rule 2 of the data-item file.</summary>
    public const string XlsxTooLarge = "上传的文件大小最大为10M";

    /// <summary>Seed 002: "文件大小最大10M" (10 × 1024 × 1024 bytes).</summary>
    public const long DataFileMaxBytes = 10L * 1024 * 1024;

    /// <summary>§9: the errors of one file are shown together, separated by ";".</summary>
    public const string Separator = ";";

    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string ToWire(this AssetType type) => type == AssetType.DataFile ? "dataFile" : "softwarePackage";

    public static AssetType? ParseType(string? word) => word switch
    {
        "softwarePackage" => AssetType.SoftwarePackage,
        "dataFile" => AssetType.DataFile,
        _ => null,
    };

    /// <summary>P42: the scannable package formats are .zip, .tar and .tar.gz; a data file is .xlsx (seed 002).</summary>
    public static ArchiveFormat? FormatOf(AssetType type, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (type == AssetType.DataFile) return fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ? ArchiveFormat.Xlsx : null;
        if (fileName.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase)) return null; // P42 names .tar.gz only
        return ArchiveFormatOf(fileName) is { } f and not ArchiveFormat.Xlsx ? f : null;
    }

    /// <summary>The archive format a (nested) entry name suggests, or null when it is not an archive the scanner opens.</summary>
    public static ArchiveFormat? ArchiveFormatOf(string name)
    {
        if (name.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase)) return ArchiveFormat.TarGz;
        if (name.EndsWith(".tar", StringComparison.OrdinalIgnoreCase)) return ArchiveFormat.Tar;
        if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) return ArchiveFormat.Zip;
        if (name.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase)) return ArchiveFormat.Xlsx;
        return null;
    }

    public static string ContentTypeOf(ArchiveFormat format) => format switch
    {
        ArchiveFormat.Zip => "application/zip",
        ArchiveFormat.Tar => "application/x-tar",
        ArchiveFormat.TarGz => "application/gzip",
        _ => XlsxContentType,
    };

    /// <summary>
    /// P42: package names use letters, digits, "-", "_" and parentheses. Dots are allowed too, between version
    /// numbers (app-1.2.3.zip); the extension is not part of the name.
    /// </summary>
    public static string? PackageNameProblem(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var stem = StemOf(fileName);
        if (stem.Length == 0 || stem.Length > 128)
            return "The package name (without the extension) must be 1-128 characters.";
        if (stem[0] == '.' || !stem.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '(' or ')' or '.'))
            return $"The package name '{stem}' may use only letters, digits, '-', '_', parentheses and dots (between version numbers).";
        return null;
    }

    private static string StemOf(string fileName)
    {
        foreach (var ext in new[] { ".tar.gz", ".tar", ".zip" })
            if (fileName.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return fileName[..^ext.Length];
        return fileName;
    }
}

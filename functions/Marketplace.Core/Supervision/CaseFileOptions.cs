namespace Marketplace.Core.Supervision;

/// <summary>
/// Section "CaseFiles": limits on acceptance reports and appeal evidence. The defaults take PDF, Office documents,
/// images and zip archives up to 50 MB.
/// </summary>
public sealed class CaseFileOptions
{
    public const string SectionName = "CaseFiles";

    public long MaxBytes { get; set; } = 50L * 1024 * 1024;

    public List<string> AllowedContentTypes { get; set; } =
    [
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/zip",
        "application/x-zip-compressed",
    ];
}

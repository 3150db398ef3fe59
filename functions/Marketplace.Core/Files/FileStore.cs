namespace Marketplace.Core.Files;

/// <summary>A stored file: where, how big, of what type, and its SHA-256 (computed while streaming, never after).</summary>
public sealed record StoredFile(string Path, long Size, string ContentType, string Sha256, string ETag);

/// <summary>An open download: the live stream (not buffered) and its validators.</summary>
public sealed record FileDownload(Stream Content, long Size, string ContentType, string ETag, string? Sha256) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>The upload was longer than the limit; nothing was kept.</summary>
public sealed class FileTooLargeException(long limit) : Exception($"The file exceeds the limit of {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>A file with that path exists already and files are never overwritten.</summary>
public sealed class FileExistsException(string path) : Exception($"{path} exists already.");

/// <summary>
/// Write-once file storage (Blob storage): each upload gets a new path and is never overwritten, so whatever a
/// case or an asset references stays exactly what was checked.
/// </summary>
public interface IFileStore
{
    Task<StoredFile> PutAsync(string path, Stream content, string contentType, long maxBytes, CancellationToken ct);
    Task<FileDownload?> OpenAsync(string path, CancellationToken ct);
    Task<bool> ExistsAsync(string path, CancellationToken ct);
    Task DeleteAsync(string path, CancellationToken ct);
}

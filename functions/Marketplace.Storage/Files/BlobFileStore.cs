using Marketplace.Core.Files;
using Marketplace.Storage.Blobs;

namespace Marketplace.Storage.Files;

/// <summary>The file store on one Blob container: uploads streamed in blocks with If-None-Match: * (write once).</summary>
public sealed class BlobFileStore(BlobContainerClient container) : IFileStore
{
    private readonly Lazy<Task> _created = new(() => container.CreateIfNotExistsAsync(CancellationToken.None));

    public async Task<StoredFile> PutAsync(string path, Stream content, string contentType, long maxBytes, CancellationToken ct)
    {
        await _created.Value.WaitAsync(ct);
        try
        {
            var result = await container.UploadAsync(path, content, new BlobUploadOptions { ContentType = contentType, IfNoneMatch = "*", MaxLength = maxBytes }, ct);
            return new StoredFile(path, result.Length, contentType, result.Sha256Hex, result.ETag);
        }
        catch (BlobTooLargeException)
        {
            throw new FileTooLargeException(maxBytes);
        }
        catch (StorageException ex) when (ex.Status is 409 or 412)
        {
            throw new FileExistsException(path);
        }
    }

    public async Task<FileDownload?> OpenAsync(string path, CancellationToken ct)
    {
        await _created.Value.WaitAsync(ct);
        var download = await container.DownloadAsync(path, cancellationToken: ct);
        if (download is null) return null;
        download.Metadata.TryGetValue(BlobContainerClient.Sha256MetadataKey, out var sha);
        return new FileDownload(download.Content, download.Length, download.ContentType ?? "application/octet-stream", download.ETag, sha);
    }

    public async Task<bool> ExistsAsync(string path, CancellationToken ct)
    {
        await _created.Value.WaitAsync(ct);
        return await container.GetPropertiesAsync(path, ct) is not null;
    }

    public async Task DeleteAsync(string path, CancellationToken ct)
    {
        await _created.Value.WaitAsync(ct);
        await container.DeleteAsync(path, cancellationToken: ct);
    }
}

namespace Marketplace.Storage.Blobs;

/// <summary>Options of <see cref="BlobContainerClient.UploadAsync"/>.</summary>
public sealed class BlobUploadOptions
{
    /// <summary>The blob's Content-Type (default application/octet-stream).</summary>
    public string? ContentType { get; init; }

    /// <summary>Blob metadata (names must be C# identifiers; values ASCII). <c>sha256</c> is set by the upload.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>"*" = only create (fails with a typed 409/412 exception if the blob exists); or an ETag that must not match.</summary>
    public string? IfNoneMatch { get; init; }

    /// <summary>Only overwrite the blob whose ETag is this (412 <see cref="StoragePreconditionFailedException"/> otherwise).</summary>
    public string? IfMatch { get; init; }

    /// <summary>
    /// Largest accepted content in bytes: the upload throws <see cref="BlobTooLargeException"/> as soon as the stream
    /// passes it, before anything is committed.
    /// </summary>
    public long? MaxLength { get; init; }
}

/// <summary>The committed blob: its ETag, length and the lower-case hex SHA-256 of its bytes.</summary>
public sealed record BlobUploadResult(string ETag, long Length, string Sha256Hex);

/// <summary>A blob's properties (from Get Blob Properties).</summary>
public sealed record BlobProperties(
    string ETag,
    long Length,
    string? ContentType,
    DateTimeOffset? LastModified,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>An entry of a blob listing.</summary>
public sealed record BlobItem(string Name, long Length, string? ETag, string? ContentType, DateTimeOffset? LastModified);

/// <summary>The content stream passed <see cref="BlobUploadOptions.MaxLength"/>; nothing was committed.</summary>
public sealed class BlobTooLargeException(string blobName, long maxLength)
    : Exception($"The content for blob '{blobName}' exceeds the limit of {maxLength} bytes; nothing was stored.")
{
    public string BlobName { get; } = blobName;

    public long MaxLength { get; } = maxLength;
}

/// <summary>
/// A blob being downloaded. <see cref="Content"/> is the live response stream (not buffered): read it, then dispose
/// this object to release the connection.
/// </summary>
public sealed class BlobDownload : IDisposable, IAsyncDisposable
{
    private readonly IDisposable? _owner;

    internal BlobDownload(Stream content, string eTag, string? contentType, long length, DateTimeOffset? lastModified, IReadOnlyDictionary<string, string> metadata, bool notModified, IDisposable? owner)
    {
        _owner = owner;
        Content = content;
        ETag = eTag;
        ContentType = contentType;
        Length = length;
        LastModified = lastModified;
        Metadata = metadata;
        NotModified = notModified;
    }

    /// <summary>The blob's bytes, streamed from the service. Empty when <see cref="NotModified"/>.</summary>
    public Stream Content { get; }

    public string ETag { get; }

    public string? ContentType { get; }

    /// <summary>Content length in bytes (0 when <see cref="NotModified"/>).</summary>
    public long Length { get; }

    public DateTimeOffset? LastModified { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>True when the caller's If-None-Match matched (HTTP 304): the caller's copy is current, no content.</summary>
    public bool NotModified { get; }

    public void Dispose()
    {
        Content.Dispose();
        _owner?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _owner?.Dispose();
    }
}

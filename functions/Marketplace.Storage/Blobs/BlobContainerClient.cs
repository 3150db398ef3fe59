using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Marketplace.Storage.Blobs;

/// <summary>
/// One blob container (Blob REST over Azure.Core's pipeline): streaming block uploads with a SHA-256 in the blob's
/// metadata, conditional writes, streaming downloads, listing and deletion. Thread-safe.
/// </summary>
public sealed class BlobContainerClient
{
    /// <summary>The metadata key under which uploads store the lower-case hex SHA-256 of the content.</summary>
    public const string Sha256MetadataKey = "sha256";

    private readonly HttpPipeline _pipeline;
    private readonly string _containerUri;
    private readonly int _blockSize;

    internal BlobContainerClient(StorageAccount account, string containerName)
    {
        ValidateContainerName(containerName);
        Name = containerName;
        _pipeline = account.Pipeline;
        _containerUri = StorageAccount.Trim(account.BlobEndpoint) + "/" + containerName;
        _blockSize = account.Options.BlobBlockSize is > 0 and <= 100 * 1024 * 1024
            ? account.Options.BlobBlockSize
            : throw new ArgumentOutOfRangeException(nameof(account), "BlobBlockSize must be between 1 byte and 100 MiB.");
    }

    public string Name { get; }

    public Uri Uri => new(_containerUri);

    /// <summary>Creates the container (private access); returns false if it already existed.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Put, _containerUri + "?restype=container");
        message.Request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 201) return true;
        var error = StorageHttp.CreateException(response, StorageService.Blob, $"Create container '{Name}'");
        if (response.Status == 409 && error.ErrorCode is null or "ContainerAlreadyExists") return false;
        throw error;
    }

    /// <summary>Deletes the container and its blobs; returns false if it did not exist.</summary>
    public async Task<bool> DeleteContainerAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, _containerUri + "?restype=container");
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 202) return true;
        if (response.Status == 404) return false;
        throw StorageHttp.CreateException(response, StorageService.Blob, $"Delete container '{Name}'");
    }

    /// <summary>
    /// Uploads <paramref name="content"/> without holding it in memory: content that fits one block goes up as one Put
    /// Blob; larger content is read block by block (Put Block, at most <see cref="StorageClientOptions.BlobBlockSize"/>
    /// each) and committed by Put Block List. The SHA-256 is computed while reading and stored as metadata
    /// <c>sha256</c> by the committing request, which also carries the content type, metadata and conditions.
    /// </summary>
    /// <exception cref="BlobTooLargeException">The stream passed <see cref="BlobUploadOptions.MaxLength"/>; nothing was committed.</exception>
    /// <exception cref="StorageConflictException">IfNoneMatch "*" and the blob exists (Azure's 409 BlobAlreadyExists).</exception>
    /// <exception cref="StoragePreconditionFailedException">An If-Match / If-None-Match ETag condition failed.</exception>
    public async Task<BlobUploadResult> UploadAsync(string blobName, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var blobUri = BlobUri(blobName);
        ArgumentNullException.ThrowIfNull(content);
        options ??= new BlobUploadOptions();
        if (options.MaxLength is < 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxLength must not be negative.");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(_blockSize);
        try
        {
            long total = 0;
            var filled = await FillAsync(content, buffer, blobName, total, options.MaxLength, cancellationToken).ConfigureAwait(false);
            total += filled;
            if (filled < _blockSize)
            {
                hash.AppendData(buffer, 0, filled);
                var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
                using var message = CreateMessage(RequestMethod.Put, blobUri);
                message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
                SetCommitHeaders(message, options, sha);
                message.Request.Content = RequestContent.Create(buffer.AsMemory(0, filled));
                var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
                if (response.Status != 201) throw StorageHttp.CreateException(response, StorageService.Blob, $"Put blob '{blobName}'");
                return new BlobUploadResult(RequireETag(response), total, sha);
            }

            var blockIds = new List<string>();
            var uploadId = Guid.NewGuid().ToString("N");
            while (filled > 0)
            {
                hash.AppendData(buffer, 0, filled);
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes(uploadId + blockIds.Count.ToString("D6", CultureInfo.InvariantCulture)));
                using (var message = CreateMessage(RequestMethod.Put, blobUri + "?comp=block&blockid=" + Uri.EscapeDataString(blockId)))
                {
                    message.Request.Content = RequestContent.Create(buffer.AsMemory(0, filled));
                    var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
                    if (response.Status != 201) throw StorageHttp.CreateException(response, StorageService.Blob, $"Put block {blockIds.Count} of '{blobName}'");
                }

                blockIds.Add(blockId);
                filled = await FillAsync(content, buffer, blobName, total, options.MaxLength, cancellationToken).ConfigureAwait(false);
                total += filled;
            }

            var blockSha = Convert.ToHexStringLower(hash.GetHashAndReset());
            var list = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>", 64 + (blockIds.Count * 60));
            foreach (var id in blockIds) list.Append("<Latest>").Append(id).Append("</Latest>");
            list.Append("</BlockList>");
            using (var message = CreateMessage(RequestMethod.Put, blobUri + "?comp=blocklist"))
            {
                SetCommitHeaders(message, options, blockSha);
                message.Request.Headers.SetValue("Content-Type", "application/xml");
                message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(list.ToString()));
                var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
                if (response.Status != 201) throw StorageHttp.CreateException(response, StorageService.Blob, $"Put block list of '{blobName}'");
                return new BlobUploadResult(RequireETag(response), total, blockSha);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Opens a blob for reading; null if it does not exist. The returned <see cref="BlobDownload.Content"/> streams
    /// from the service; dispose the download when done. With <paramref name="ifNoneMatch"/> equal to the current
    /// ETag the result has <see cref="BlobDownload.NotModified"/> set and no content.
    /// </summary>
    public async Task<BlobDownload?> DownloadAsync(string blobName, string? ifNoneMatch = null, CancellationToken cancellationToken = default)
    {
        var message = CreateMessage(RequestMethod.Get, BlobUri(blobName));
        try
        {
            message.BufferResponse = false;
            if (ifNoneMatch is not null) message.Request.Headers.SetValue("If-None-Match", ifNoneMatch);
            var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
            switch (response.Status)
            {
                case 200:
                    var download = new BlobDownload(
                        response.ContentStream ?? Stream.Null,
                        RequireETag(response),
                        StorageHttp.GetHeader(response, "Content-Type"),
                        ContentLength(response),
                        LastModified(response),
                        Metadata(response),
                        notModified: false,
                        owner: message);
                    message = null;
                    return download;
                case 304:
                    return new BlobDownload(Stream.Null, StorageHttp.GetHeader(response, "ETag") ?? ifNoneMatch ?? string.Empty, null, 0, LastModified(response), new Dictionary<string, string>(), notModified: true, owner: null);
                case 404:
                    return null;
                default:
                    throw await StorageHttp.CreateExceptionFromStreamAsync(response, StorageService.Blob, $"Get blob '{blobName}'", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            message?.Dispose();
        }
    }

    /// <summary>The blob's properties and metadata, or null if it does not exist.</summary>
    public async Task<BlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Head, BlobUri(blobName));
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404) return null;
        if (response.Status != 200) throw StorageHttp.CreateException(response, StorageService.Blob, $"Get blob properties '{blobName}'");
        return new BlobProperties(RequireETag(response), ContentLength(response), StorageHttp.GetHeader(response, "Content-Type"), LastModified(response), Metadata(response));
    }

    /// <summary>Blobs whose names start with <paramref name="prefix"/>, in name order, following NextMarker.</summary>
    /// <param name="prefix">Name prefix, or null for all blobs.</param>
    /// <param name="pageSize">Results per List Blobs request (1-5000; the service default is 5000).</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public async IAsyncEnumerable<BlobItem> ListAsync(string? prefix = null, int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (pageSize is <= 0 or > 5000) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "pageSize must be between 1 and 5000.");
        string? marker = null;
        do
        {
            var uri = new StringBuilder(_containerUri).Append("?restype=container&comp=list");
            if (!string.IsNullOrEmpty(prefix)) uri.Append("&prefix=").Append(Uri.EscapeDataString(prefix));
            if (pageSize is not null) uri.Append("&maxresults=").Append(pageSize.Value.ToString(CultureInfo.InvariantCulture));
            if (marker is not null) uri.Append("&marker=").Append(Uri.EscapeDataString(marker));
            List<BlobItem> items;
            using (var message = CreateMessage(RequestMethod.Get, uri.ToString()))
            {
                var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
                if (response.Status != 200) throw StorageHttp.CreateException(response, StorageService.Blob, $"List blobs of '{Name}'");
                (items, marker) = ParseList(response.ContentStream!);
            }

            foreach (var item in items) yield return item;
        }
        while (!string.IsNullOrEmpty(marker));
    }

    /// <summary>
    /// Deletes a blob (and its snapshots). Returns false if it did not exist; throws
    /// <see cref="StoragePreconditionFailedException"/> if <paramref name="ifMatch"/> does not match.
    /// </summary>
    public async Task<bool> DeleteAsync(string blobName, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, BlobUri(blobName));
        message.Request.Headers.SetValue("x-ms-delete-snapshots", "include");
        if (ifMatch is not null) message.Request.Headers.SetValue("If-Match", ifMatch);
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 202) return true;
        var error = StorageHttp.CreateException(response, StorageService.Blob, $"Delete blob '{blobName}'");
        if (response.Status == 404 && error.ErrorCode is null or "BlobNotFound") return false;
        throw error;
    }

    private HttpMessage CreateMessage(RequestMethod method, string uri) =>
        StorageHttp.CreateMessage(_pipeline, StorageService.Blob, method, uri);

    /// <summary>The blob's URI; each '/'-separated segment of the name is percent-encoded.</summary>
    private string BlobUri(string blobName)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        if (blobName.Length > 1024) throw new ArgumentException("Blob names are at most 1,024 characters.", nameof(blobName));
        var segments = blobName.Split('/');
        for (var i = 0; i < segments.Length; i++) segments[i] = Uri.EscapeDataString(segments[i]);
        return _containerUri + "/" + string.Join('/', segments);
    }

    private static void SetCommitHeaders(HttpMessage message, BlobUploadOptions options, string sha256Hex)
    {
        var headers = message.Request.Headers;
        headers.SetValue("x-ms-blob-content-type", string.IsNullOrEmpty(options.ContentType) ? "application/octet-stream" : options.ContentType);
        if (options.Metadata is not null)
        {
            foreach (var (key, value) in options.Metadata)
            {
                if (string.Equals(key, Sha256MetadataKey, StringComparison.OrdinalIgnoreCase)) continue;
                if (key.Length == 0 || !(char.IsAsciiLetter(key[0]) || key[0] == '_') || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                {
                    throw new ArgumentException($"Metadata name '{key}' is not a valid C# identifier.", nameof(options));
                }

                headers.SetValue("x-ms-meta-" + key, value);
            }
        }

        headers.SetValue("x-ms-meta-" + Sha256MetadataKey, sha256Hex);
        if (options.IfMatch is not null) headers.SetValue("If-Match", options.IfMatch);
        if (options.IfNoneMatch is not null) headers.SetValue("If-None-Match", options.IfNoneMatch);
    }

    /// <summary>Reads until the buffer's first block-size bytes are full or the stream ends, enforcing the limit per read.</summary>
    private async ValueTask<int> FillAsync(Stream content, byte[] buffer, string blobName, long alreadyRead, long? maxLength, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < _blockSize)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, _blockSize - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            filled += read;
            if (maxLength is not null && alreadyRead + filled > maxLength.Value) throw new BlobTooLargeException(blobName, maxLength.Value);
        }

        return filled;
    }

    private static string RequireETag(Response response) =>
        StorageHttp.GetHeader(response, "ETag") is { Length: > 0 } etag
            ? etag
            : throw new StorageException(response.Status, null, "The Blob service answered without an ETag.");

    private static long ContentLength(Response response) =>
        long.TryParse(StorageHttp.GetHeader(response, "Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : 0;

    private static DateTimeOffset? LastModified(Response response) =>
        DateTimeOffset.TryParse(StorageHttp.GetHeader(response, "Last-Modified"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;

    private static Dictionary<string, string> Metadata(Response response)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            if (header.Name.StartsWith("x-ms-meta-", StringComparison.OrdinalIgnoreCase)) metadata[header.Name["x-ms-meta-".Length..]] = header.Value;
        }

        return metadata;
    }

    private static (List<BlobItem> Items, string? NextMarker) ParseList(Stream xml)
    {
        var items = new List<BlobItem>();
        string? nextMarker = null;
        using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreWhitespace = true });
        string? name = null, etag = null, contentType = null;
        long length = 0;
        DateTimeOffset? lastModified = null;
        reader.MoveToContent();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                switch (reader.LocalName)
                {
                    case "Blob":
                        name = etag = contentType = null;
                        length = 0;
                        lastModified = null;
                        reader.Read();
                        continue;
                    case "Name":
                        name = reader.ReadElementContentAsString();
                        continue;
                    case "Content-Length":
                        length = long.TryParse(reader.ReadElementContentAsString(), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
                        continue;
                    case "Content-Type":
                        contentType = reader.ReadElementContentAsString();
                        continue;
                    case "Etag":
                        etag = reader.ReadElementContentAsString();
                        continue;
                    case "Last-Modified":
                        lastModified = DateTimeOffset.TryParse(reader.ReadElementContentAsString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var lm) ? lm : null;
                        continue;
                    case "NextMarker":
                        nextMarker = reader.ReadElementContentAsString();
                        continue;
                }
            }
            else if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "Blob" && name is not null)
            {
                items.Add(new BlobItem(name, length, etag, string.IsNullOrEmpty(contentType) ? null : contentType, lastModified));
                name = null;
            }

            reader.Read();
        }

        return (items, string.IsNullOrEmpty(nextMarker) ? null : nextMarker);
    }

    /// <summary>Container names: 3-63 lower-case letters, digits and single hyphens, starting with a letter or digit.</summary>
    internal static void ValidateContainerName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is < 3 or > 63 || !char.IsAsciiLetterLower(name[0]) && !char.IsAsciiDigit(name[0]) || name.EndsWith('-') ||
            name.Contains("--", StringComparison.Ordinal) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{name}' is not a valid container name (3-63 lower-case letters, digits and single hyphens).", nameof(name));
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Marketplace.Storage.Blobs;

namespace Marketplace.Storage.Tests;

public class BlobTests
{
    private static async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = StorageTestEnvironment.Account.GetBlobContainerClient(StorageTestEnvironment.UniqueName("c"));
        Assert.True(await container.CreateIfNotExistsAsync());
        return container;
    }

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task ContainerCreateIsIdempotentAndDeleteReportsExistence()
    {
        var container = await NewContainerAsync();

        Assert.False(await container.CreateIfNotExistsAsync());
        Assert.True(await container.DeleteContainerAsync());
        Assert.False(await container.DeleteContainerAsync());
    }

    [Fact]
    public async Task SmallUploadRoundTripsContentTypeMetadataAndSha256()
    {
        var container = await NewContainerAsync();
        var bytes = Encoding.UTF8.GetBytes("{\"hello\":\"wörld\"}");

        var result = await container.UploadAsync("docs/a b.json", new MemoryStream(bytes), new BlobUploadOptions
        {
            ContentType = "application/json",
            Metadata = new Dictionary<string, string> { ["origin"] = "test", ["sha256"] = "ignored" },
        });
        await using var download = await container.DownloadAsync("docs/a b.json");
        using var copy = new MemoryStream();
        await download!.Content.CopyToAsync(copy);
        var properties = await container.GetPropertiesAsync("docs/a b.json");

        var expectedSha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(expectedSha, result.Sha256Hex);
        Assert.Equal(bytes.Length, result.Length);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Equal(result.ETag, download.ETag);
        Assert.Equal("application/json", download.ContentType);
        Assert.Equal(bytes.Length, download.Length);
        Assert.Equal(expectedSha, download.Metadata["sha256"]);
        Assert.Equal("test", download.Metadata["origin"]);
        Assert.Equal(result.ETag, properties!.ETag);
        Assert.Equal(bytes.Length, properties.Length);
        Assert.Equal(expectedSha, properties.Metadata["sha256"]);
        Assert.NotNull(properties.LastModified);
    }

    [Fact]
    public async Task EmptyContentUploads()
    {
        var container = await NewContainerAsync();

        var result = await container.UploadAsync("empty", Stream.Null, new BlobUploadOptions());

        Assert.Equal(0, result.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([])), result.Sha256Hex);
        Assert.Equal(0, (await container.GetPropertiesAsync("empty"))!.Length);
    }

    [Fact]
    public async Task TenMegabytesStreamUpInBlocksAndDownAsALiveStream()
    {
        const long size = 10 * 1024 * 1024 + 123;
        var container = await NewContainerAsync();
        var source = new GeneratedStream(size);

        var result = await container.UploadAsync("big.bin", source, new BlobUploadOptions { ContentType = "application/octet-stream" });

        var expectedSha = GeneratedStream.Sha256Of(size);
        Assert.Equal(size, source.BytesRead);
        Assert.Equal(size, result.Length);
        Assert.Equal(expectedSha, result.Sha256Hex);

        await using var download = await container.DownloadAsync("big.bin");
        Assert.NotNull(download);
        Assert.IsNotType<MemoryStream>(download.Content);
        Assert.Equal(size, download.Length);
        Assert.Equal(expectedSha, download.Metadata["sha256"]);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await download.Content.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        Assert.Equal(size, total);
        Assert.Equal(expectedSha, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    [Fact]
    public async Task IfNoneMatchStarCreatesOnlyOnce()
    {
        var container = await NewContainerAsync();
        var options = new BlobUploadOptions { IfNoneMatch = "*" };

        await container.UploadAsync("once", Text("first"), options);
        // Azure and Azurite answer 409 BlobAlreadyExists to Put Blob / Put Block List with If-None-Match: *.
        var error = await Assert.ThrowsAsync<StorageConflictException>(() => container.UploadAsync("once", Text("second"), options));

        Assert.Equal((409, "BlobAlreadyExists"), (error.Status, error.ErrorCode));
        await using var download = await container.DownloadAsync("once");
        Assert.Equal("first", await new StreamReader(download!.Content).ReadToEndAsync());
    }

    [Fact]
    public async Task IfNoneMatchStarFailsForABlockUploadToo()
    {
        var options = new StorageClientOptions { BlobBlockSize = 1024 };
        var account = StorageAccount.Parse(StorageTestEnvironment.ConnectionString, options);
        var container = account.GetBlobContainerClient(StorageTestEnvironment.UniqueName("c"));
        await container.CreateIfNotExistsAsync();

        await container.UploadAsync("once", new GeneratedStream(3000), new BlobUploadOptions { IfNoneMatch = "*" });
        var error = await Assert.ThrowsAsync<StorageConflictException>(() => container.UploadAsync("once", new GeneratedStream(3000, seed: 7), new BlobUploadOptions { IfNoneMatch = "*" }));

        Assert.Equal((409, "BlobAlreadyExists"), (error.Status, error.ErrorCode));
        Assert.Equal(GeneratedStream.Sha256Of(3000), (await container.GetPropertiesAsync("once"))!.Metadata["sha256"]);
    }

    [Fact]
    public async Task IfMatchWithAStaleETagFails412()
    {
        var container = await NewContainerAsync();
        var first = await container.UploadAsync("doc", Text("v1"), new BlobUploadOptions());
        var second = await container.UploadAsync("doc", Text("v2"), new BlobUploadOptions { IfMatch = first.ETag });

        var error = await Assert.ThrowsAsync<StoragePreconditionFailedException>(() => container.UploadAsync("doc", Text("v3"), new BlobUploadOptions { IfMatch = first.ETag }));

        Assert.Equal(412, error.Status);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(second.ETag, (await container.GetPropertiesAsync("doc"))!.ETag);
    }

    [Fact]
    public async Task ExceedingMaxLengthStopsReadingAndStoresNothing()
    {
        var container = await NewContainerAsync();
        var small = new GeneratedStream(5000, maxChunk: 1000);
        var big = new GeneratedStream(20L * 1024 * 1024, maxChunk: 64 * 1024);

        var smallError = await Assert.ThrowsAsync<BlobTooLargeException>(() => container.UploadAsync("small", small, new BlobUploadOptions { MaxLength = 2500 }));
        var bigError = await Assert.ThrowsAsync<BlobTooLargeException>(() => container.UploadAsync("big", big, new BlobUploadOptions { MaxLength = 5L * 1024 * 1024 }));

        Assert.Equal(2500, smallError.MaxLength);
        Assert.Equal(3000, small.BytesRead);
        Assert.True(big.BytesRead <= 5L * 1024 * 1024 + (64 * 1024), $"read {big.BytesRead} bytes");
        Assert.Null(await container.GetPropertiesAsync("small"));
        Assert.Null(await container.GetPropertiesAsync("big"));
        Assert.Null(await container.DownloadAsync("big"));
        var listed = new List<BlobItem>();
        await foreach (var item in container.ListAsync()) listed.Add(item);
        Assert.Empty(listed);
        Assert.Equal("big", bigError.BlobName);
    }

    [Fact]
    public async Task UploadWithinMaxLengthSucceeds()
    {
        var container = await NewContainerAsync();

        var result = await container.UploadAsync("exact", new GeneratedStream(2500, maxChunk: 1000), new BlobUploadOptions { MaxLength = 2500 });

        Assert.Equal(2500, result.Length);
    }

    [Fact]
    public async Task ListByPrefixFollowsMarkersAcrossPages()
    {
        var container = await NewContainerAsync();
        var names = new[] { "orders/2026/a", "orders/2026/b", "orders/2026/c", "orders/2026/d", "orders/2026/e", "other/x", "ordersx" };
        foreach (var name in names) await container.UploadAsync(name, Text(name), new BlobUploadOptions { ContentType = "text/plain" });

        var listed = new List<BlobItem>();
        await foreach (var item in container.ListAsync("orders/", pageSize: 2)) listed.Add(item);

        Assert.Equal(names.Take(5), listed.Select(i => i.Name));
        Assert.All(listed, i => Assert.Equal(i.Name.Length, i.Length));
        Assert.All(listed, i => Assert.Equal("text/plain", i.ContentType));
        Assert.All(listed, i => Assert.False(string.IsNullOrEmpty(i.ETag)));
        var all = 0;
        await foreach (var _ in container.ListAsync()) all++;
        Assert.Equal(names.Length, all);
    }

    [Fact]
    public async Task DeleteReportsExistenceAndChecksIfMatch()
    {
        var container = await NewContainerAsync();
        var first = await container.UploadAsync("doc", Text("v1"), new BlobUploadOptions());
        var second = await container.UploadAsync("doc", Text("v2"), new BlobUploadOptions());

        await Assert.ThrowsAsync<StoragePreconditionFailedException>(() => container.DeleteAsync("doc", first.ETag));
        Assert.True(await container.DeleteAsync("doc", second.ETag));
        Assert.False(await container.DeleteAsync("doc"));
        Assert.Null(await container.GetPropertiesAsync("doc"));
        Assert.Null(await container.DownloadAsync("doc"));
    }

    [Fact]
    public async Task DownloadWithCurrentETagIsNotModified()
    {
        var container = await NewContainerAsync();
        var result = await container.UploadAsync("doc", Text("v1"), new BlobUploadOptions());

        await using var notModified = await container.DownloadAsync("doc", ifNoneMatch: result.ETag);
        await using var modified = await container.DownloadAsync("doc", ifNoneMatch: "\"0x0\"");

        Assert.True(notModified!.NotModified);
        Assert.False(modified!.NotModified);
        Assert.Equal(2, modified.Length);
    }

    [Fact]
    public async Task UploadToAMissingContainerThrowsNotFound()
    {
        var container = StorageTestEnvironment.Account.GetBlobContainerClient(StorageTestEnvironment.UniqueName("c"));

        var error = await Assert.ThrowsAsync<StorageNotFoundException>(() => container.UploadAsync("x", Text("x"), new BlobUploadOptions()));

        Assert.Equal("ContainerNotFound", error.ErrorCode);
    }
}

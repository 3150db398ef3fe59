using Azure.Core;
using Marketplace.Storage.Auth;
using Marketplace.Storage.Tables;

namespace Marketplace.Storage.Tests;

public class SharedKeyTests
{
    private const string Date = "Sun, 01 Nov 2026 10:00:00 GMT";

    [Fact]
    public void TableStringToSignNamesTheAccountTwiceForPathStyleEndpoints()
    {
        var request = NewRequest(RequestMethod.Get, "http://127.0.0.1:10002/devstoreaccount1/Tables");
        request.Headers.SetValue("x-ms-date", Date);
        request.Headers.SetValue("Accept", "application/json;odata=minimalmetadata");
        request.Headers.SetValue("x-ms-version", "2019-02-02");

        var stringToSign = SharedKeyPolicy.BuildTableStringToSign(request, "devstoreaccount1");

        Assert.Equal("GET\n\n\n" + Date + "\n/devstoreaccount1/devstoreaccount1/Tables", stringToSign);
    }

    [Fact]
    public void TableStringToSignKeepsContentTypeAndEntityPathAndOnlyTheCompParameter()
    {
        var request = NewRequest(RequestMethod.Put, "https://shop.table.core.windows.net/orders(PartitionKey='a',RowKey='b%20c')?$select=x&comp=acl");
        request.Headers.SetValue("x-ms-date", Date);
        request.Headers.SetValue("Content-Type", "application/json");

        var stringToSign = SharedKeyPolicy.BuildTableStringToSign(request, "shop");

        Assert.Equal("PUT\n\napplication/json\n" + Date + "\n/shop/orders(PartitionKey='a',RowKey='b%20c')?comp=acl", stringToSign);
    }

    [Fact]
    public void BlobStringToSignCanonicalizesMsHeadersAndQuery()
    {
        var request = NewRequest(RequestMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/photos/my%20cat.jpg?comp=block&blockid=YWJj%2BZA%3D%3D");
        request.Headers.SetValue("x-ms-version", "2021-12-02");
        request.Headers.SetValue("X-MS-Meta-sha256", " abc ");
        request.Headers.SetValue("x-ms-date", Date);
        request.Headers.SetValue("Content-Type", "application/octet-stream");
        request.Headers.SetValue("If-Match", "\"0x1\"");
        request.Content = RequestContent.Create("hello world"u8.ToArray());

        var stringToSign = SharedKeyPolicy.BuildBlobQueueStringToSign(request, "devstoreaccount1");

        Assert.Equal(
            "PUT\n\n\n11\n\napplication/octet-stream\n\n\n\"0x1\"\n\n\n\n" +
            "x-ms-date:" + Date + "\nx-ms-meta-sha256:abc\nx-ms-version:2021-12-02\n" +
            "/devstoreaccount1/devstoreaccount1/photos/my%20cat.jpg\nblockid:YWJj+ZA==\ncomp:block",
            stringToSign);
    }

    [Fact]
    public void EmptyContentLengthIsSignedAsEmpty()
    {
        var request = NewRequest(RequestMethod.Put, "http://127.0.0.1:10001/devstoreaccount1/orders");
        request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        request.Headers.SetValue("x-ms-date", Date);

        var stringToSign = SharedKeyPolicy.BuildBlobQueueStringToSign(request, "devstoreaccount1");

        Assert.StartsWith("PUT\n\n\n\n", stringToSign, StringComparison.Ordinal);
        Assert.EndsWith("x-ms-date:" + Date + "\n/devstoreaccount1/devstoreaccount1/orders", stringToSign, StringComparison.Ordinal);
    }

    [Theory]
    // Reference signatures computed independently (Python hmac/hashlib) with the emulator's well-known key.
    [InlineData("GET\n\n\n" + Date + "\n/devstoreaccount1/devstoreaccount1/Tables", "bOQEzDsHPSaoVZwoDqXxLk2WGhCC1sh1oX1Is9D7jKU=")]
    [InlineData(
        "PUT\n\n\n11\n\napplication/octet-stream\n\n\n\"0x1\"\n\n\n\nx-ms-date:" + Date + "\nx-ms-meta-sha256:abc\nx-ms-version:2021-12-02\n/devstoreaccount1/devstoreaccount1/photos/my%20cat.jpg\nblockid:YWJj+ZA==\ncomp:block",
        "RruO+vurYL2OThdKlRhoi5JdL1ShJtMassUnnUh6BGE=")]
    public void SignatureMatchesKnownVector(string stringToSign, string expected)
    {
        var credential = new SharedKeyCredential(StorageAccount.DevelopmentAccountName, StorageAccount.DevelopmentAccountKey);

        Assert.Equal(expected, credential.ComputeSignature(stringToSign));
    }

    [Fact]
    public async Task PolicySignsEveryRequestWithDateVersionAndSharedKey()
    {
        var (account, handler) = StorageTestEnvironment.RecordingAccount();

        await account.GetBlobContainerClient("photos").CreateIfNotExistsAsync();

        var request = Assert.Single(handler.Requests);
        Assert.Equal("SharedKey", request.Headers.Authorization?.Scheme);
        Assert.StartsWith("devstoreaccount1:", request.Headers.Authorization?.Parameter, StringComparison.Ordinal);
        Assert.True(request.Headers.Contains("x-ms-date"));
        Assert.Equal("2021-12-02", request.Headers.GetValues("x-ms-version").Single());
    }

    [Fact]
    public async Task AzuriteAcceptsSignedRequestsOfEveryService()
    {
        var account = StorageTestEnvironment.Account;
        var name = StorageTestEnvironment.UniqueName("sk");

        Assert.True(await account.GetTableClient(name).CreateIfNotExistsAsync());
        Assert.True(await account.GetBlobContainerClient(name).CreateIfNotExistsAsync());
        Assert.True(await account.GetQueueClient(name).CreateIfNotExistsAsync());

        await account.GetTableClient(name).DeleteAsync();
        await account.GetBlobContainerClient(name).DeleteContainerAsync();
        await account.GetQueueClient(name).DeleteQueueAsync();
    }

    [Fact]
    public async Task AWrongKeyIsRejectedWith403()
    {
        var real = StorageConnectionString.Parse(StorageTestEnvironment.ConnectionString);
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var options = new StorageClientOptions();
        options.Retry.MaxRetries = 0;
        var account = StorageAccount.Parse(
            $"AccountName={real.AccountName};AccountKey={wrongKey};BlobEndpoint={real.BlobEndpoint};QueueEndpoint={real.QueueEndpoint};TableEndpoint={real.TableEndpoint}",
            options);

        var tableError = await Assert.ThrowsAsync<StorageException>(() => account.GetTableClient(StorageTestEnvironment.UniqueName()).CreateIfNotExistsAsync());
        var blobError = await Assert.ThrowsAsync<StorageException>(() => account.GetBlobContainerClient(StorageTestEnvironment.UniqueName()).CreateIfNotExistsAsync());

        Assert.Equal(403, tableError.Status);
        Assert.Equal(403, blobError.Status);
    }

    [Fact]
    public async Task EntityKeysWithQuotesSpacesAndUnicodeAreSignedAndAddressedCorrectly()
    {
        var table = StorageTestEnvironment.Account.GetTableClient(StorageTestEnvironment.UniqueName());
        await table.CreateIfNotExistsAsync();
        var entity = new TableEntity("o'brien & co", "row 'one' é+") { ["Note"] = "x" };

        var etag = await table.InsertAsync(entity);
        var read = await table.GetAsync(entity.PartitionKey, entity.RowKey);
        await table.ReplaceAsync(entity, etag);

        Assert.NotNull(read);
        Assert.Equal("o'brien & co", read.PartitionKey);
        Assert.Equal("row 'one' é+", read.RowKey);
        Assert.True(await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey));
    }

    private static Request NewRequest(RequestMethod method, string uri)
    {
        var request = StorageAccount.Parse("UseDevelopmentStorage=true").Pipeline.CreateRequest();
        request.Method = method;
        request.Uri.Reset(new Uri(uri));
        return request;
    }
}

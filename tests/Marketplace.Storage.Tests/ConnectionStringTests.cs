using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Marketplace.Storage.Tests;

public class ConnectionStringTests
{
    [Fact]
    public void DevelopmentStorageShortcutPointsAtAzuriteDefaults()
    {
        var account = StorageAccount.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", account.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), account.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), account.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), account.TableEndpoint);
    }

    [Fact]
    public void DevelopmentStorageHonoursProxyUri()
    {
        var account = StorageAccount.Parse("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://azurite");

        Assert.Equal(new Uri("http://azurite:10002/devstoreaccount1"), account.TableEndpoint);
    }

    [Fact]
    public void ExplicitEndpointsWin()
    {
        var account = StorageAccount.Parse(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + StorageAccount.DevelopmentAccountKey +
            ";BlobEndpoint=http://127.0.0.1:1234/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1235/devstoreaccount1;TableEndpoint=http://127.0.0.1:1236/devstoreaccount1;");

        Assert.Equal("devstoreaccount1", account.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:1234/devstoreaccount1"), account.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:1235/devstoreaccount1"), account.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:1236/devstoreaccount1"), account.TableEndpoint);
    }

    [Fact]
    public void EndpointsAreBuiltFromProtocolAccountAndSuffix()
    {
        var account = StorageAccount.Parse("DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=a2V5;EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://shop.blob.core.chinacloudapi.cn"), account.BlobEndpoint);
        Assert.Equal(new Uri("https://shop.queue.core.chinacloudapi.cn"), account.QueueEndpoint);
        Assert.Equal(new Uri("https://shop.table.core.chinacloudapi.cn"), account.TableEndpoint);
    }

    [Fact]
    public void DefaultsAreHttpsAndCoreWindowsNet()
    {
        var account = StorageAccount.Parse("AccountName=shop;AccountKey=a2V5");

        Assert.Equal(new Uri("https://shop.table.core.windows.net"), account.TableEndpoint);
    }

    [Fact]
    public void KeysAreCaseInsensitiveAndKeyMayContainEquals()
    {
        var account = StorageAccount.Parse("accountname=shop; ACCOUNTKEY=" + StorageAccount.DevelopmentAccountKey + " ;");

        Assert.Equal("shop", account.AccountName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("AccountKey=a2V5")]
    [InlineData("AccountName=shop")]
    [InlineData("AccountName=shop;AccountKey=not base64!")]
    [InlineData("AccountName=shop;AccountKey=a2V5;garbage")]
    [InlineData("AccountName=shop;AccountKey=a2V5;DefaultEndpointsProtocol=ftp")]
    [InlineData("AccountName=shop;AccountKey=a2V5;TableEndpoint=not-a-uri")]
    [InlineData("BlobEndpoint=https://x.blob.core.windows.net;SharedAccessSignature=sv=2020")]
    public void MalformedStringsAreRefused(string connectionString)
    {
        Assert.Throws<FormatException>(() => StorageAccount.Parse(connectionString));
    }

    [Fact]
    public async Task FromCredentialUsesHttpsEndpointsAndBearerTokensForStorageScope()
    {
        var credential = new FakeCredential();
        var handler = new RecordingHandler { Status = HttpStatusCode.Created };
        var options = new StorageClientOptions { Transport = new HttpClientTransport(new HttpClient(handler)) };
        var account = StorageAccount.FromCredential("shop", credential, options: options);

        Assert.Equal(new Uri("https://shop.blob.core.windows.net"), account.BlobEndpoint);
        Assert.Equal(new Uri("https://shop.queue.core.windows.net"), account.QueueEndpoint);
        Assert.Equal(new Uri("https://shop.table.core.windows.net"), account.TableEndpoint);

        await account.GetQueueClient("orders").CreateIfNotExistsAsync();

        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://shop.queue.core.windows.net/orders", request.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer", request.Headers.Authorization?.Scheme);
        Assert.Equal("token-1", request.Headers.Authorization?.Parameter);
        Assert.Equal(["https://storage.azure.com/.default"], credential.Scopes);
    }

    private sealed class FakeCredential : TokenCredential
    {
        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes = requestContext.Scopes;
            return new AccessToken("token-1", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}

using Azure.Core;
using Azure.Core.Pipeline;
using Marketplace.Storage.Auth;
using Marketplace.Storage.Blobs;
using Marketplace.Storage.Queues;
using Marketplace.Storage.Tables;

namespace Marketplace.Storage;

/// <summary>
/// A storage account: its endpoints, its credential and one shared Azure.Core <see cref="HttpPipeline"/> (retries,
/// logging, diagnostics) that every client created from it uses.
/// </summary>
public sealed class StorageAccount
{
    /// <summary>The emulator's well-known account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known (public) account key.</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The OAuth scope for Azure Storage data-plane access.</summary>
    public const string StorageScope = "https://storage.azure.com/.default";

    private StorageAccount(string accountName, Uri blobEndpoint, Uri queueEndpoint, Uri tableEndpoint, HttpPipelinePolicy authPolicy, StorageClientOptions options)
    {
        AccountName = accountName;
        BlobEndpoint = blobEndpoint;
        QueueEndpoint = queueEndpoint;
        TableEndpoint = tableEndpoint;
        Options = options;
        Pipeline = HttpPipelineBuilder.Build(options, Array.Empty<HttpPipelinePolicy>(), new[] { authPolicy }, new ResponseClassifier());
    }

    public string AccountName { get; }

    public Uri BlobEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public Uri TableEndpoint { get; }

    internal StorageClientOptions Options { get; }

    internal HttpPipeline Pipeline { get; }

    /// <summary>
    /// Parses a storage connection string: <c>UseDevelopmentStorage=true</c> (Azurite on 127.0.0.1:10000-10002,
    /// optional <c>DevelopmentStorageProxyUri</c>) or <c>DefaultEndpointsProtocol</c>, <c>AccountName</c>,
    /// <c>AccountKey</c>, <c>EndpointSuffix</c> and explicit <c>BlobEndpoint</c>/<c>QueueEndpoint</c>/<c>TableEndpoint</c>.
    /// </summary>
    /// <exception cref="FormatException">The string is malformed or lacks what is needed.</exception>
    public static StorageAccount Parse(string connectionString, StorageClientOptions? options = null)
    {
        var settings = StorageConnectionString.Parse(connectionString);
        return new StorageAccount(
            settings.AccountName,
            settings.BlobEndpoint,
            settings.QueueEndpoint,
            settings.TableEndpoint,
            new SharedKeyPolicy(new SharedKeyCredential(settings.AccountName, settings.AccountKey)),
            options ?? new StorageClientOptions());
    }

    /// <summary>
    /// An Azure account reached with Microsoft Entra tokens (managed identity, <c>DefaultAzureCredential</c>, ...):
    /// bearer tokens for <see cref="StorageScope"/> via Azure.Core's <see cref="BearerTokenAuthenticationPolicy"/>.
    /// </summary>
    public static StorageAccount FromCredential(string accountName, TokenCredential credential, string endpointSuffix = "core.windows.net", StorageClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpointSuffix);
        return new StorageAccount(
            accountName,
            new Uri($"https://{accountName}.blob.{endpointSuffix}"),
            new Uri($"https://{accountName}.queue.{endpointSuffix}"),
            new Uri($"https://{accountName}.table.{endpointSuffix}"),
            new BearerTokenAuthenticationPolicy(credential, StorageScope),
            options ?? new StorageClientOptions());
    }

    public TableClient GetTableClient(string table) => new(this, table);

    public TableServiceClient GetTableServiceClient() => new(this);

    public BlobContainerClient GetBlobContainerClient(string container) => new(this, container);

    public QueueClient GetQueueClient(string queue) => new(this, queue);

    /// <summary>The endpoint without a trailing slash, ready for "/resource" to be appended.</summary>
    internal static string Trim(Uri endpoint) => endpoint.AbsoluteUri.TrimEnd('/');
}

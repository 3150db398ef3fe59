using Azure.Core;

namespace Marketplace.Storage;

/// <summary>
/// Options for the storage clients: retries (<see cref="ClientOptions.Retry"/>), transport, diagnostics and logging
/// all come from Azure.Core. One <see cref="Azure.Core.Pipeline.HttpPipeline"/> is built from these per
/// <see cref="StorageAccount"/>.
/// </summary>
public sealed class StorageClientOptions : ClientOptions
{
    public StorageClientOptions()
    {
        // Storage headers worth seeing in Azure.Core's logs (values of other headers are redacted).
        foreach (var header in new[]
                 {
                     "x-ms-date", "x-ms-version", "x-ms-request-id", "x-ms-error-code", "x-ms-blob-type",
                     "x-ms-blob-content-type", "x-ms-continuation-NextPartitionKey", "x-ms-continuation-NextRowKey",
                     "x-ms-continuation-NextTableName", "x-ms-approximate-messages-count", "x-ms-popreceipt",
                     "x-ms-time-next-visible", "ETag", "If-Match", "If-None-Match", "Prefer", "DataServiceVersion",
                 })
        {
            Diagnostics.LoggedHeaderNames.Add(header);
        }

        foreach (var parameter in new[]
                 {
                     "comp", "restype", "prefix", "maxresults", "timeout", "numofmessages", "visibilitytimeout",
                     "messagettl", "$top", "$select",
                 })
        {
            Diagnostics.LoggedQueryParameters.Add(parameter);
        }
    }

    /// <summary>Block size used by blob uploads (Put Block); at most 4 MiB by default.</summary>
    public int BlobBlockSize { get; set; } = 4 * 1024 * 1024;
}

namespace Marketplace.Storage;

/// <summary>
/// Section "Storage". Locally a connection string (Azurite: <c>UseDevelopmentStorage=true</c> or the full string the
/// run script exports); in Azure the account name alone, reached with the app's managed identity.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }

    /// <summary>Azure only: the storage account reached with DefaultAzureCredential when no connection string is set.</summary>
    public string? AccountName { get; set; }

    /// <summary>Prefix of every table and queue name (lower-case letters and digits), so several deployments can share an account.</summary>
    public string Prefix { get; set; } = "mkp";
}

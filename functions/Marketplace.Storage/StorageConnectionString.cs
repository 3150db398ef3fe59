namespace Marketplace.Storage;

/// <summary>The parsed parts of a storage connection string.</summary>
internal sealed record StorageConnectionString(string AccountName, string AccountKey, Uri BlobEndpoint, Uri QueueEndpoint, Uri TableEndpoint)
{
    public static StorageConnectionString Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new FormatException("The storage connection string is empty.");
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                throw new FormatException($"The storage connection string has a malformed segment '{Redact(part)}' (expected Key=Value).");
            }

            values[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        if (values.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var useDev) && useDev)
        {
            var proxy = values.TryGetValue("DevelopmentStorageProxyUri", out var proxyText) ? new Uri(proxyText) : new Uri("http://127.0.0.1");
            var baseUri = $"{proxy.Scheme}://{proxy.Host}";
            return new StorageConnectionString(
                StorageAccount.DevelopmentAccountName,
                StorageAccount.DevelopmentAccountKey,
                new Uri($"{baseUri}:10000/{StorageAccount.DevelopmentAccountName}"),
                new Uri($"{baseUri}:10001/{StorageAccount.DevelopmentAccountName}"),
                new Uri($"{baseUri}:10002/{StorageAccount.DevelopmentAccountName}"));
        }

        if (values.ContainsKey("SharedAccessSignature"))
        {
            throw new FormatException("SAS connection strings are not supported; use AccountName/AccountKey or StorageAccount.FromCredential.");
        }

        if (!values.TryGetValue("AccountName", out var account) || account.Length == 0)
        {
            throw new FormatException("The storage connection string has no AccountName.");
        }

        if (!values.TryGetValue("AccountKey", out var key) || key.Length == 0)
        {
            throw new FormatException("The storage connection string has no AccountKey (for token authentication use StorageAccount.FromCredential).");
        }

        var protocol = values.TryGetValue("DefaultEndpointsProtocol", out var p) ? p.ToLowerInvariant() : "https";
        if (protocol is not ("http" or "https"))
        {
            throw new FormatException($"DefaultEndpointsProtocol must be http or https, not '{protocol}'.");
        }

        var suffix = values.TryGetValue("EndpointSuffix", out var s) && s.Length > 0 ? s : "core.windows.net";
        return new StorageConnectionString(
            account,
            key,
            Endpoint(values, "BlobEndpoint", $"{protocol}://{account}.blob.{suffix}"),
            Endpoint(values, "QueueEndpoint", $"{protocol}://{account}.queue.{suffix}"),
            Endpoint(values, "TableEndpoint", $"{protocol}://{account}.table.{suffix}"));
    }

    private static Uri Endpoint(Dictionary<string, string> values, string key, string fallback)
    {
        var text = values.TryGetValue(key, out var explicitValue) && explicitValue.Length > 0 ? explicitValue : fallback;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException($"The storage connection string's {key} '{text}' is not an absolute http(s) URI.");
        }

        return uri;
    }

    private static string Redact(string part) => part.Length > 12 ? part[..12] + "..." : part;

    public override string ToString() => $"AccountName={AccountName}; BlobEndpoint={BlobEndpoint}; QueueEndpoint={QueueEndpoint}; TableEndpoint={TableEndpoint}";
}

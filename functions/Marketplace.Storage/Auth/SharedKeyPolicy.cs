using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Marketplace.Storage.Auth;

/// <summary>
/// Signs every attempt (it is a per-retry policy, so retries get a fresh x-ms-date) with the storage SharedKey scheme:
/// the Table service flavour (VERB, Content-MD5, Content-Type, Date, CanonicalizedResource) for tables and the full
/// Blob/Queue flavour with canonicalized x-ms-* headers for blobs and queues.
/// </summary>
/// <remarks>
/// The canonicalized resource is <c>/{account}{encoded URI path}</c>. With a path-style (emulator) endpoint the path
/// itself starts with the account, so the account appears twice: <c>/devstoreaccount1/devstoreaccount1/Tables</c>.
/// </remarks>
internal sealed class SharedKeyPolicy(SharedKeyCredential credential) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        request.Headers.SetValue("x-ms-date", DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture));
        var stringToSign = StorageHttp.GetService(message) == StorageService.Table
            ? BuildTableStringToSign(request, credential.AccountName)
            : BuildBlobQueueStringToSign(request, credential.AccountName);
        request.Headers.SetValue("Authorization", "SharedKey " + credential.AccountName + ":" + credential.ComputeSignature(stringToSign));
    }

    /// <summary>Table service SharedKey: VERB\nContent-MD5\nContent-Type\nDate\nCanonicalizedResource.</summary>
    internal static string BuildTableStringToSign(Request request, string accountName)
    {
        var uri = request.Uri.ToUri();
        var builder = new StringBuilder(128);
        builder.Append(request.Method.Method).Append('\n');
        builder.Append(Header(request, "Content-MD5")).Append('\n');
        builder.Append(Header(request, "Content-Type")).Append('\n');
        var date = Header(request, "x-ms-date");
        builder.Append(date.Length > 0 ? date : Header(request, "Date")).Append('\n');
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        // The only query parameter that is part of the Table canonicalized resource is comp.
        foreach (var (name, value) in ParseQuery(uri.Query))
        {
            if (name == "comp")
            {
                builder.Append("?comp=").Append(value);
                break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Blob/Queue SharedKey (version 2015-02-21 and later).</summary>
    internal static string BuildBlobQueueStringToSign(Request request, string accountName)
    {
        var uri = request.Uri.ToUri();
        var builder = new StringBuilder(256);
        builder.Append(request.Method.Method).Append('\n');
        builder.Append(Header(request, "Content-Encoding")).Append('\n');
        builder.Append(Header(request, "Content-Language")).Append('\n');
        var contentLength = request.Content is not null && request.Content.TryComputeLength(out var length) ? length : 0;
        builder.Append(contentLength == 0 ? string.Empty : contentLength.ToString(CultureInfo.InvariantCulture)).Append('\n');
        builder.Append(Header(request, "Content-MD5")).Append('\n');
        builder.Append(Header(request, "Content-Type")).Append('\n');
        builder.Append(Header(request, "Date")).Append('\n');
        builder.Append(Header(request, "If-Modified-Since")).Append('\n');
        builder.Append(Header(request, "If-Match")).Append('\n');
        builder.Append(Header(request, "If-None-Match")).Append('\n');
        builder.Append(Header(request, "If-Unmodified-Since")).Append('\n');
        builder.Append(Header(request, "Range")).Append('\n');

        var msHeaders = new List<(string Name, string Value)>(8);
        foreach (var header in request.Headers)
        {
            if (header.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                msHeaders.Add((header.Name.ToLowerInvariant(), header.Value.Trim()));
            }
        }

        msHeaders.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, value) in msHeaders)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('/').Append(accountName).Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        var query = ParseQuery(uri.Query);
        if (query.Count > 0)
        {
            var grouped = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var (name, value) in query)
            {
                if (!grouped.TryGetValue(name, out var values)) grouped[name] = values = new List<string>(1);
                values.Add(value);
            }

            foreach (var (name, values) in grouped)
            {
                values.Sort(StringComparer.Ordinal);
                builder.Append('\n').Append(name).Append(':').AppendJoin(',', values);
            }
        }

        return builder.ToString();
    }

    private static string Header(Request request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value : string.Empty;

    /// <summary>Query parameters with lower-cased, unescaped names and unescaped values.</summary>
    private static List<(string Name, string Value)> ParseQuery(string query)
    {
        var result = new List<(string, string)>();
        if (string.IsNullOrEmpty(query) || query == "?") return result;
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? string.Empty : part[(eq + 1)..];
            result.Add((Uri.UnescapeDataString(name).ToLowerInvariant(), Uri.UnescapeDataString(value)));
        }

        return result;
    }
}

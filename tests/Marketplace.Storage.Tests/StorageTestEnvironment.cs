using Azure.Core.Pipeline;

namespace Marketplace.Storage.Tests;

/// <summary>
/// The Azurite the tests run against: its connection string comes from <c>Storage__ConnectionString</c>, which
/// scripts/test.sh exports after starting Azurite. Without it the Azurite-backed tests fail (they do not skip).
/// </summary>
internal static class StorageTestEnvironment
{
    public const string Variable = "Storage__ConnectionString";

    private static readonly Lazy<StorageAccount> SharedAccount = new(() => StorageAccount.Parse(ConnectionString));

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"The environment variable {Variable} is not set, so there is no Azurite to test against. " +
                "Run the tests with scripts/test.sh (it starts Azurite on free ports and exports the variable), " +
                "or start Azurite yourself and export its connection string.");

    /// <summary>The account over Azurite, shared by the tests (one pipeline, as in production).</summary>
    public static StorageAccount Account => SharedAccount.Value;

    /// <summary>A fresh name of lower-case letters and digits, starting with a letter: valid for tables, containers and queues.</summary>
    public static string UniqueName(string prefix = "t") => prefix + Guid.NewGuid().ToString("N")[..20];

    /// <summary>An account over the emulator's well-known key whose transport records requests instead of sending them.</summary>
    public static (StorageAccount Account, RecordingHandler Handler) RecordingAccount()
    {
        var handler = new RecordingHandler();
        var options = new StorageClientOptions { Transport = new HttpClientTransport(new HttpClient(handler)) };
        options.Retry.MaxRetries = 0;
        return (StorageAccount.Parse("UseDevelopmentStorage=true", options), handler);
    }
}

/// <summary>An HTTP handler that records every request and answers with a fixed status, touching no network.</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly List<HttpRequestMessage> _requests = new();

    public System.Net.HttpStatusCode Status { get; set; } = System.Net.HttpStatusCode.Created;

    public IReadOnlyList<HttpRequestMessage> Requests
    {
        get
        {
            lock (_requests) return _requests.ToArray();
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_requests) _requests.Add(request);
        var response = new HttpResponseMessage(Status) { RequestMessage = request, Content = new ByteArrayContent([]) };
        response.Headers.TryAddWithoutValidation("ETag", "\"0x1\"");
        return Task.FromResult(response);
    }
}

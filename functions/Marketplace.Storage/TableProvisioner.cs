using System.Collections.Concurrent;
using Marketplace.Storage.Tables;

namespace Marketplace.Storage;

/// <summary>Hands out table clients named with the configured prefix, each created once per process.</summary>
public sealed class TableProvisioner(StorageAccount account, string prefix)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new();

    public string Prefix { get; } = prefix;

    public async Task<TableClient> GetAsync(string name, CancellationToken ct)
    {
        var lazy = _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(async () =>
        {
            var client = account.GetTableClient(Prefix + n);
            await client.CreateIfNotExistsAsync(CancellationToken.None);
            return client;
        }));
        try
        {
            return await lazy.Value.WaitAsync(ct);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _tables.TryRemove(new KeyValuePair<string, Lazy<Task<TableClient>>>(name, lazy));
            throw;
        }
    }
}

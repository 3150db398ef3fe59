using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Storage;

namespace Marketplace.Server.Tests.Security;

/// <summary>
/// Everything a test server has stored under its prefix: every table row and every blob, each with its ETag (which
/// changes on any write). Two equal fingerprints mean nothing was written in between. Nonce tables can be left out:
/// an authenticated seller-server request claims its nonce even when its records are refused one by one.
/// </summary>
public sealed class StorageFingerprint
{
    private readonly SortedDictionary<string, string> _items;

    private StorageFingerprint(SortedDictionary<string, string> items) => _items = items;

    public int Count => _items.Count;

    public static async Task<StorageFingerprint> TakeAsync(string prefix, bool includeNonces = true)
    {
        var account = StorageAccount.Parse(TestStorage.ConnectionString);
        var items = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var table in account.GetTableServiceClient().ListTablesAsync(prefix))
        {
            if (!includeNonces && table.Contains("nonce", StringComparison.OrdinalIgnoreCase)) continue;
            await foreach (var e in account.GetTableClient(table).QueryAsync(null))
                items[$"table {table[prefix.Length..]} {e.PartitionKey} / {e.RowKey}"] = e.ETag ?? "";
        }

        try
        {
            await foreach (var blob in account.GetBlobContainerClient(prefix + "-files").ListAsync())
                items[$"blob {blob.Name}"] = blob.ETag ?? "";
        }
        catch (StorageNotFoundException)
        {
            // no file stored yet
        }
        return new StorageFingerprint(items);
    }

    /// <summary>What was added, removed or rewritten since <paramref name="before"/>, one line each (empty when nothing).</summary>
    public IReadOnlyList<string> Since(StorageFingerprint before)
    {
        var changes = new List<string>();
        foreach (var (key, etag) in _items)
        {
            if (!before._items.TryGetValue(key, out var old)) changes.Add("added " + key);
            else if (old != etag) changes.Add("rewritten " + key);
        }

        changes.AddRange(before._items.Keys.Where(k => !_items.ContainsKey(k)).Select(k => "removed " + k));
        return changes;
    }

    /// <summary>Waits until two fingerprints a little apart agree (background work such as the outbox pump has settled).</summary>
    public static async Task<StorageFingerprint> SettledAsync(string prefix, bool includeNonces = true, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var last = await TakeAsync(prefix, includeNonces);
        while (true)
        {
            await Task.Delay(300);
            var next = await TakeAsync(prefix, includeNonces);
            var changes = next.Since(last);
            if (changes.Count == 0) return next;
            if (DateTime.UtcNow > until)
                throw new Xunit.Sdk.XunitException("Storage did not settle: " + string.Join("; ", changes.Take(10)));
            last = next;
        }
    }
}

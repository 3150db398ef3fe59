using System.Collections.Concurrent;
using Marketplace.Core.Persistence;

namespace Marketplace.Core.Catalogue;

/// <summary>
/// Reads sellers for the hot paths (every seller call looks up the production URL and the outbound key) with a short
/// cache. A key rotation in this process invalidates the entry at once; another process sees it within <see cref="Ttl"/>.
/// </summary>
public sealed class SellerDirectory(AggregateRunner runner, TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, (Seller Seller, DateTimeOffset LoadedAt)> _cache = new(StringComparer.Ordinal);

    public async Task<Seller?> FindAsync(string sellerId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(sellerId, out var hit) && now - hit.LoadedAt < Ttl) return hit.Seller;
        var loaded = await runner.LoadAsync(CatalogueService.Sellers, sellerId, ct);
        if (loaded is null) return null;
        _cache[sellerId] = (loaded.Value.State, now);
        return loaded.Value.State;
    }

    public void Invalidate(string sellerId) => _cache.TryRemove(sellerId, out _);
}

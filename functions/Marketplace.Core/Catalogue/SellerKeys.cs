using System.Globalization;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Catalogue;

/// <summary>Settings of section <c>Sellers</c>.</summary>
public sealed class SellerOptions
{
    public const string SectionName = "Sellers";

    /// <summary>How long, after a new key is activated, calls from the seller's server are still accepted under the keys it
    /// replaced (<c>Sellers:KeyOverlap</c>, default 7 days).</summary>
    public TimeSpan KeyOverlap { get; set; } = TimeSpan.FromDays(7);

    public IReadOnlyList<string> Validate() =>
        KeyOverlap < TimeSpan.Zero ? ["Sellers:KeyOverlap must not be negative."] : [];
}

/// <summary>An issued key that was never activated was replaced by a newer one: it stops working at once.</summary>
public sealed record SellerKeyWithdrawn(string KeyId, DateTimeOffset At) : SellerEvent
{
    public override string Action => "seller.key-withdrawn";
}

/// <summary>How a key stands, as the seller sees it (secrets are shown only once, when issued).</summary>
public sealed record SellerKeyView(string KeyId, string State, DateTimeOffset IssuedAt, DateTimeOffset? ActivatedAt, DateTimeOffset? RetiresAt)
{
    public static SellerKeyView Of(Seller seller, SellerKey k, DateTimeOffset now) => new(k.KeyId,
        k.RetiresAt is { } r && r <= now ? "retired"
        : k.KeyId == seller.OutboundKey.KeyId ? "active"
        : k.ActivatedAt is null ? "pending"
        : "retiring",
        k.IssuedAt, k.ActivatedAt, k.RetiresAt);
}

/// <summary>
/// Key rotation (§5.1; the issue's "key rotation"): a new key is issued beside the current one; calls from the seller's
/// server are accepted under either; when the seller activates the new key, the platform signs every call with it
/// (retries of calls queued earlier included) and the replaced keys keep working inbound for
/// <see cref="SellerOptions.KeyOverlap"/>. Issuing again before activating withdraws the pending key.
/// </summary>
public static class SellerKeyRules
{
    public static Seller Apply(Seller state, SellerEvent e) => e switch
    {
        SellerKeyWithdrawn w => state with { Keys = state.Keys.Select(k => k.KeyId == w.KeyId ? k with { RetiresAt = w.At } : k).ToList() },
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    public static Decision<SellerEvent> Issue(Seller? seller, Actor actor, SellerKey key, DateTimeOffset now)
    {
        if (!IsSelf(seller, actor)) return NotFound();
        if (key.AccessKey == key.KitKey) return DomainError.Invalid("seller.keys-equal", "The base-interface key and the Kit key must differ.");
        if (seller!.Keys.Any(k => k.KeyId == key.KeyId || k.AccessKey == key.AccessKey || k.KitKey == key.KitKey))
            return DomainError.Conflict("seller.key-exists", "A key with this id or secret exists already.");
        var events = new List<SellerEvent>();
        foreach (var pending in seller.Keys.Where(k => k.ActivatedAt is null && (k.RetiresAt is null || k.RetiresAt > now)))
            events.Add(new SellerKeyWithdrawn(pending.KeyId, now));
        events.Add(new SellerKeyIssued(key with { IssuedAt = now, ActivatedAt = null, RetiresAt = null }));
        return Decision<SellerEvent>.Accept(events);
    }

    public static Decision<SellerEvent> Activate(Seller? seller, Actor actor, string keyId, DateTimeOffset now, TimeSpan overlap)
    {
        if (!IsSelf(seller, actor)) return NotFound();
        var key = seller!.Keys.FirstOrDefault(k => k.KeyId == keyId);
        if (key is null) return DomainError.NotFound("seller.key-not-found", $"Key {keyId} does not exist.");
        if (key.KeyId == seller.OutboundKey.KeyId) return Decision<SellerEvent>.Accept(); // active already: nothing to do
        if (key.RetiresAt is { } r)
            return DomainError.Conflict("seller.key-retired",
                $"Key {keyId} {(r <= now ? "is retired" : "was replaced by a newer key")} since {r.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}; issue a new key.");
        return Decision<SellerEvent>.Accept(new SellerKeyActivated(keyId, now, now + overlap));
    }

    private static bool IsSelf(Seller? seller, Actor actor) => seller is not null && actor.Role == Role.Seller && actor.Id == seller.SellerId;

    private static DomainError NotFound() => DomainError.NotFound("seller.not-found", "The seller does not exist.");
}

/// <summary>A new key, with its secrets (shown once).</summary>
public sealed record IssuedSellerKey(string KeyId, string AccessKey, string KitKey, DateTimeOffset IssuedAt, string State);

/// <summary>The key-rotation use cases for a seller acting on itself.</summary>
public sealed class SellerKeyService(AggregateRunner runner, SellerDirectory directory, IOptions<SellerOptions> options, TimeProvider time)
{
    public async Task<IssuedSellerKey> IssueAsync(string sellerId, Actor actor, CancellationToken ct)
    {
        var key = new SellerKey("K" + CatalogueService.NewId(8), "ak" + CatalogueService.NewId(40), "kk" + CatalogueService.NewId(40), time.GetUtcNow(), null, null);
        var result = await runner.ExecuteAsync(CatalogueService.Sellers, sellerId, actor, (s, now) => SellerKeyRules.Issue(s, actor, key, now), ct);
        DomainException.ThrowIf(result.Error);
        directory.Invalidate(sellerId);
        var issued = result.State!.Keys.First(k => k.KeyId == key.KeyId);
        return new IssuedSellerKey(issued.KeyId, issued.AccessKey, issued.KitKey, issued.IssuedAt, "pending");
    }

    public async Task<IReadOnlyList<SellerKeyView>> ActivateAsync(string sellerId, string keyId, Actor actor, CancellationToken ct)
    {
        var result = await runner.ExecuteAsync(CatalogueService.Sellers, sellerId, actor,
            (s, now) => SellerKeyRules.Activate(s, actor, keyId, now, options.Value.KeyOverlap), ct);
        DomainException.ThrowIf(result.Error);
        directory.Invalidate(sellerId);
        return Views(result.State!);
    }

    public async Task<IReadOnlyList<SellerKeyView>> ListAsync(string sellerId, Actor actor, CancellationToken ct)
    {
        var seller = (await runner.LoadAsync(CatalogueService.Sellers, sellerId, ct))?.State;
        if (seller is null || actor.Role != Role.Seller || actor.Id != sellerId)
            throw new DomainException(DomainError.NotFound("seller.not-found", "The seller does not exist."));
        return Views(seller);
    }

    private IReadOnlyList<SellerKeyView> Views(Seller seller)
    {
        var now = time.GetUtcNow();
        return seller.Keys.Select(k => SellerKeyView.Of(seller, k, now)).ToList();
    }
}

using Marketplace.Core.Common;

namespace Marketplace.Core.Catalogue;

/// <summary>
/// A seller and the keys of its production interface. The access key signs base-interface calls (V2) and the
/// seller's own pushes; the Kit key signs federated sync calls; the two always differ (KooGallery key management).
/// </summary>
public sealed record Seller
{
    public required string SellerId { get; init; }
    public required string Name { get; init; }
    public required string ProductionUrl { get; init; }
    public string? KitUrl { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
    public IReadOnlyList<SellerKey> Keys { get; init; } = [];

    /// <summary>The key the platform signs its calls to the seller with: the newest activated one.</summary>
    public SellerKey OutboundKey => Keys.Where(k => k.ActivatedAt is not null).MaxBy(k => k.ActivatedAt)!;

    /// <summary>Keys under which calls from the seller's server are accepted at <paramref name="now"/>: every key not yet retired.</summary>
    public IEnumerable<SellerKey> InboundKeys(DateTimeOffset now) => Keys.Where(k => k.RetiresAt is null || k.RetiresAt > now);
}

public sealed record SellerKey(string KeyId, string AccessKey, string KitKey, DateTimeOffset IssuedAt, DateTimeOffset? ActivatedAt, DateTimeOffset? RetiresAt);

public abstract record SellerEvent : IDomainEvent
{
    public abstract string Action { get; }
    public virtual string? Reason => null;
}

public sealed record SellerRegistered(string SellerId, string Name, string ProductionUrl, string? KitUrl, SellerKey Key, DateTimeOffset At) : SellerEvent
{
    public override string Action => "seller.registered";
}

public sealed record SellerKeyIssued(SellerKey Key) : SellerEvent
{
    public override string Action => "seller.key-issued";
}

public sealed record SellerKeyActivated(string KeyId, DateTimeOffset At, DateTimeOffset PreviousRetiresAt) : SellerEvent
{
    public override string Action => "seller.key-activated";
}

public static class SellerRules
{
    public static Seller Apply(Seller? state, SellerEvent e) => e switch
    {
        SellerRegistered r => new Seller { SellerId = r.SellerId, Name = r.Name, ProductionUrl = r.ProductionUrl, KitUrl = r.KitUrl, RegisteredAt = r.At, Keys = [r.Key] },
        SellerKeyIssued i => state! with { Keys = [.. state.Keys, i.Key] },
        SellerKeyActivated a => state! with
        {
            Keys = state.Keys.Select(k =>
                k.KeyId == a.KeyId ? k with { ActivatedAt = a.At }
                : k.RetiresAt is null && k.ActivatedAt is not null ? k with { RetiresAt = a.PreviousRetiresAt }
                : k).ToList(),
        },
        _ => SellerKeyRules.Apply(state!, e),
    };

    /// <summary>Secrets are made at the edge (random); the rule only checks they cannot be confused.</summary>
    public static Decision<SellerEvent> Register(Seller? existing, string sellerId, string name, string productionUrl, string? kitUrl, SellerKey key, DateTimeOffset now)
    {
        if (existing is not null) return DomainError.Conflict("seller.exists", $"Seller {sellerId} already exists.");
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200) return DomainError.Invalid("validation.failed", "name is required (at most 200 characters).");
        if (key.AccessKey == key.KitKey) return DomainError.Invalid("seller.keys-equal", "The base-interface key and the Kit key must differ.");
        return Decision<SellerEvent>.Accept(new SellerRegistered(sellerId, name.Trim(), productionUrl, kitUrl, key with { ActivatedAt = now }, now));
    }
}

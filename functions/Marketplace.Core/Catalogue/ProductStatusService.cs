using System.Globalization;
using Marketplace.Core.Common;
using Marketplace.Core.Notifications;
using Marketplace.Core.Persistence;

namespace Marketplace.Core.Catalogue;

/// <summary>
/// Freezing a product: it takes no new orders (409 <c>product.frozen</c>) and is not dial-tested, until ops unfreeze it.
/// Ops freeze by hand; the dial tests freeze after consecutive failed days (§7.6). The seller is told either way, and
/// ops are told when the platform froze it.
/// </summary>
public sealed class ProductStatusService(AggregateRunner runner, INotifier notifier)
{
    public async Task<Product> FreezeAsync(string productId, Actor by, string? reason, DateTimeOffset at, CancellationToken ct)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? "frozen by operations" : reason.Trim();
        if (why.Length > 500) throw new DomainException(DomainError.Invalid("validation.failed", "reason is at most 500 characters."));
        var changed = false;
        var result = await runner.ExecuteAsync(CatalogueService.Products, productId, by, (p, now) =>
        {
            if (p is null) return DomainError.NotFound("product.not-found", $"Product {productId} does not exist.");
            changed = !p.Frozen;
            return p.Frozen ? Decision<ProductEvent>.Accept() : Decision<ProductEvent>.Accept(new ProductFrozen(why, now));
        }, ct);
        if (result.Error is { } error) throw new DomainException(error);
        var product = result.State!;
        if (changed || by == Actor.Platform)
        {
            var key = $"product-frozen-{productId}-{at.UtcTicks.ToString(CultureInfo.InvariantCulture)}";
            var subject = $"Product {product.Name} ({productId}) is frozen";
            var body = $"{why}. The product takes no new orders until operations unfreeze it.";
            await notifier.NotifyAsync(new Notification(product.SellerId, key, at, "product.frozen", subject, body, ProductId: productId), ct);
            if (by == Actor.Platform)
                await notifier.NotifyAsync(new Notification(Recipients.Ops, key, at, "product.frozen", subject,
                    body + " Check the seller's production interface, then unfreeze or delist the product.", ProductId: productId), ct);
        }

        return product;
    }

    public async Task<Product> UnfreezeAsync(string productId, Actor ops, CancellationToken ct)
    {
        var result = await runner.ExecuteAsync(CatalogueService.Products, productId, ops, (p, now) =>
            p is null ? DomainError.NotFound("product.not-found", $"Product {productId} does not exist.")
            : p.Frozen ? Decision<ProductEvent>.Accept(new ProductUnfrozen(now)) : Decision<ProductEvent>.Accept(), ct);
        if (result.Error is { } error) throw new DomainException(error);
        return result.State!;
    }
}

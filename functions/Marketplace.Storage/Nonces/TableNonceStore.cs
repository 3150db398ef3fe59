using Marketplace.Core.SellerApi;
using Marketplace.Storage.Tables;

namespace Marketplace.Storage.Nonces;

/// <summary>
/// Nonces of sellers' servers on Tables: partition = the seller, row key = the nonce. The claim is an insert, which
/// the table refuses (409) when the row exists, so two racing copies of a request cannot both pass. A row whose time
/// is over (its request's <c>ts</c> would be refused anyway) may be taken over, guarded by its ETag.
/// </summary>
public sealed class TableNonceStore(TableProvisioner tables, TimeProvider time) : INonceStore
{
    private const string Table = "nonces";

    public async Task<bool> TryClaimAsync(string scope, string nonce, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        var table = await tables.GetAsync(Table, ct);
        var row = new TableEntity(scope, nonce) { ["ExpiresAt"] = expiresAt };
        try
        {
            await table.InsertAsync(row, ct);
            return true;
        }
        catch (StorageConflictException)
        {
        }

        var existing = await table.GetAsync(scope, nonce, cancellationToken: ct);
        if (existing is null || existing.GetDateTimeOffset("ExpiresAt") is not { } until || until > time.GetUtcNow()) return false;
        try
        {
            await table.ReplaceAsync(row, existing.ETag!, ct);
            return true;
        }
        catch (StoragePreconditionFailedException)
        {
            return false; // someone else took it over first
        }
    }
}

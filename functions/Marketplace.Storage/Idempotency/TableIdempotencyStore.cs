using System.Security.Cryptography;
using System.Text;
using Marketplace.Core.Persistence;
using Marketplace.Storage.Tables;

namespace Marketplace.Storage.Idempotency;

/// <summary>
/// Idempotency keys on Tables: one row per caller scope and key (both hashed, so any characters are allowed). The
/// row is inserted as "started" before the request runs: the insert itself is the lock, so two concurrent repeats
/// cannot both run. The running request renews its row's <c>StartedAt</c>; a started row not renewed for
/// <see cref="IdempotencyClaims.StaleAfter"/> belonged to a request that died; it is taken over.
/// </summary>
public sealed class TableIdempotencyStore(TableProvisioner tables, TimeProvider time) : IIdempotencyStore
{
    private const string Table = "idempotency";
    private const int MaxChunk = 60_000;

    public async Task<IdempotencyClaim> BeginAsync(string scope, string key, string requestHash, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct);
        var (pk, rk) = Keys(scope, key);
        var started = new TableEntity(pk, rk) { ["RequestHash"] = requestHash, ["State"] = "started", ["StartedAt"] = time.GetUtcNow() };
        try
        {
            await table.InsertAsync(started, ct);
            return new IdempotencyClaim(IdempotencyOutcome.Started);
        }
        catch (StorageConflictException) { }

        var existing = await table.GetAsync(pk, rk, cancellationToken: ct);
        if (existing is null) return await BeginAsync(scope, key, requestHash, ct); // abandoned meanwhile
        if (existing.GetString("RequestHash") != requestHash) return new IdempotencyClaim(IdempotencyOutcome.Mismatch);
        if (existing.GetString("State") == "done") return new IdempotencyClaim(IdempotencyOutcome.Replay, ToResponse(existing));
        if (time.GetUtcNow() - (existing.GetDateTimeOffset("StartedAt") ?? default) < IdempotencyClaims.StaleAfter)
            return new IdempotencyClaim(IdempotencyOutcome.InProgress);
        try
        {
            await table.ReplaceAsync(started, existing.ETag!, ct);
            return new IdempotencyClaim(IdempotencyOutcome.Started);
        }
        catch (StoragePreconditionFailedException)
        {
            return new IdempotencyClaim(IdempotencyOutcome.InProgress);
        }
    }

    public async Task CompleteAsync(string scope, string key, string requestHash, StoredResponse response, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct);
        var (pk, rk) = Keys(scope, key);
        if (response.Body.Length > 15 * MaxChunk)
        {
            await AbandonAsync(scope, key, ct); // too large to keep: a repeat runs again (the handlers are idempotent)
            return;
        }
        var e = new TableEntity(pk, rk)
        {
            ["RequestHash"] = requestHash,
            ["State"] = "done",
            ["Status"] = response.Status,
            ["ContentType"] = response.ContentType,
            ["Location"] = response.Location,
            ["BodyN"] = (response.Body.Length + MaxChunk - 1) / MaxChunk,
        };
        for (var i = 0; i * MaxChunk < response.Body.Length; i++)
            e["Body" + i] = response.Body.AsSpan(i * MaxChunk, Math.Min(MaxChunk, response.Body.Length - i * MaxChunk)).ToArray();
        await table.UpsertAsync(e, TableUpdateMode.Replace, ct);
    }

    public async Task RenewAsync(string scope, string key, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct);
        var (pk, rk) = Keys(scope, key);
        var existing = await table.GetAsync(pk, rk, ["State"], ct);
        if (existing?.GetString("State") != "started") return;
        try
        {
            // With the ETag just read: a row completed or taken over meanwhile is left alone.
            await table.MergeAsync(new TableEntity(pk, rk) { ["StartedAt"] = time.GetUtcNow() }, existing.ETag!, ct);
        }
        catch (Exception e) when (e is StoragePreconditionFailedException or StorageNotFoundException) { }
    }

    public async Task AbandonAsync(string scope, string key, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct);
        var (pk, rk) = Keys(scope, key);
        try { await table.DeleteEntityAsync(pk, rk, "*", ct); }
        catch (StorageNotFoundException) { }
    }

    private static StoredResponse ToResponse(TableEntity e)
    {
        var chunks = e.GetInt32("BodyN") ?? 0;
        using var body = new MemoryStream();
        for (var i = 0; i < chunks; i++) body.Write(e.GetBinary("Body" + i) ?? []);
        return new StoredResponse(e.GetInt32("Status") ?? 200, e.GetString("ContentType"), e.GetString("Location"), body.ToArray());
    }

    private static (string, string) Keys(string scope, string key) =>
        (Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope))),
         Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
}

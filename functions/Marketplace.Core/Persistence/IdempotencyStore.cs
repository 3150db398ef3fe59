namespace Marketplace.Core.Persistence;

/// <summary>The first response to a request that carried an <c>Idempotency-Key</c>, kept to be replayed.</summary>
public sealed record StoredResponse(int Status, string? ContentType, string? Location, byte[] Body);

public enum IdempotencyOutcome
{
    /// <summary>First use of the key: run the request, then <see cref="IIdempotencyStore.CompleteAsync"/>.</summary>
    Started,
    /// <summary>The same key and body were seen and answered: replay <see cref="IdempotencyClaim.Response"/>.</summary>
    Replay,
    /// <summary>The key was used with a different request.</summary>
    Mismatch,
    /// <summary>The first request with this key is still running.</summary>
    InProgress,
}

public sealed record IdempotencyClaim(IdempotencyOutcome Outcome, StoredResponse? Response = null);

/// <summary>
/// How long a started key is held. The request that holds it renews it every <see cref="RenewEvery"/> while it runs; a
/// key not renewed for <see cref="StaleAfter"/> belonged to a request that died with its process (a crash, a kill), and a
/// repeat takes it over and runs. So a client retrying after a crash waits seconds, not minutes.
/// </summary>
public static class IdempotencyClaims
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(20);
}

/// <summary>Remembers, per caller and key, the first response so a retried POST changes nothing twice.</summary>
public interface IIdempotencyStore
{
    Task<IdempotencyClaim> BeginAsync(string scope, string key, string requestHash, CancellationToken ct);
    Task CompleteAsync(string scope, string key, string requestHash, StoredResponse response, CancellationToken ct);
    /// <summary>Keeps a started key held while its request runs (<see cref="IdempotencyClaims.RenewEvery"/>); no-op once it is done or forgotten.</summary>
    Task RenewAsync(string scope, string key, CancellationToken ct);
    /// <summary>Forgets a started key whose request failed in a way that must not be replayed (a 5xx).</summary>
    Task AbandonAsync(string scope, string key, CancellationToken ct);
}

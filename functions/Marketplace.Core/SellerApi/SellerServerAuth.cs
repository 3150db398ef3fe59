using System.Globalization;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Metering;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.SellerApi;

/// <summary>Settings of section <c>SellerApi</c>: the routes sellers' servers call.</summary>
public sealed class SellerApiOptions
{
    public const string SectionName = "SellerApi";

    /// <summary>How far <c>ts</c> may be from the platform's clock, either way (<c>SellerApi:TimestampTolerance</c>, default 60 s; §7.2).</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromSeconds(60);

    public IReadOnlyList<string> Validate() =>
        TimestampTolerance <= TimeSpan.Zero ? ["SellerApi:TimestampTolerance must be positive."] : [];
}

/// <summary>
/// Remembers the nonces sellers' servers used, so a captured request cannot be replayed. The claim itself must be
/// atomic (an insert keyed by the nonce), so two copies of one request racing each other cannot both pass.
/// </summary>
public interface INonceStore
{
    /// <summary>True when the nonce was new for <paramref name="scope"/> (it is now remembered until <paramref name="expiresAt"/>);
    /// false when it was used before and is still remembered.</summary>
    Task<bool> TryClaimAsync(string scope, string nonce, DateTimeOffset expiresAt, CancellationToken ct);
}

/// <summary>The authentication material of a request from a seller's server: the headers and the raw body ("" for a GET).</summary>
public sealed record SellerSignedRequest(string? Signature, string? Ts, string? Nonce, string Body);

/// <summary>
/// Authenticates calls from a seller's server to the platform (usage push §8.1, order query, license activation) with
/// the seller's base key: headers <c>signature</c> = base64(HMAC-SHA256(key, <c>ts={ts}&amp;nonce={nonce}&amp;body={body}</c>)),
/// <c>ts</c> (Unix ms, within <see cref="SellerApiOptions.TimestampTolerance"/>) and <c>nonce</c> (never reused). A GET
/// signs an empty body: <c>ts={ts}&amp;nonce={nonce}&amp;body=</c>. Any key the seller holds that is not retired is
/// accepted (the overlap of a key rotation). The nonce is claimed only after the signature checks out, so nobody
/// can burn a seller's nonces. Every failure is 401 with a code saying which check failed; a seller over its request
/// budget (<see cref="ISellerRateLimit"/>) gets 429 before its nonce is claimed.
/// </summary>
public sealed class SellerServerAuth(INonceStore nonces, IOptions<SellerApiOptions> options, TimeProvider time, ISellerRateLimit? rate = null)
{
    public const string Missing = "auth.unauthenticated";
    public const string StaleTimestamp = "auth.stale-timestamp";
    public const string BadNonce = "auth.bad-nonce";
    public const string BadSignature = "auth.bad-signature";
    public const string NonceReused = "auth.nonce-reused";
    public const int MaxNonceLength = 64;

    /// <summary>The checks that need no seller: the headers are there, <c>ts</c> is fresh and the nonce well-formed.</summary>
    public DomainError? CheckHeaders(SellerSignedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Signature) || string.IsNullOrEmpty(request.Ts) || string.IsNullOrEmpty(request.Nonce))
            return Unauthorized(Missing, "Sign the request: headers signature, ts (Unix milliseconds) and nonce are required.");
        var tolerance = options.Value.TimestampTolerance;
        if (request.Ts.Length > 20 || !request.Ts.All(char.IsAsciiDigit)
            || !long.TryParse(request.Ts, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            || (DateTimeOffset.FromUnixTimeMilliseconds(ms) - time.GetUtcNow()).Duration() > tolerance)
            return Unauthorized(StaleTimestamp,
                $"ts must be the current Unix time in milliseconds, within {tolerance.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s of the platform's clock.");
        if (request.Nonce.Length > MaxNonceLength || !request.Nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
            return Unauthorized(BadNonce, $"nonce must be 1 to {MaxNonceLength} characters from A-Z, a-z, 0-9, '-', '.', '_' and '~'.");
        return null;
    }

    /// <summary>Checks the headers, the signature under the seller's keys and the nonce; returns the key that verified.</summary>
    /// <exception cref="DomainException">401 with the failed check's code.</exception>
    public async Task<SellerKey> AuthenticateAsync(Seller seller, SellerSignedRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(seller);
        DomainException.ThrowIf(CheckHeaders(request));
        var ts = long.Parse(request.Ts!, NumberStyles.None, CultureInfo.InvariantCulture);
        var now = time.GetUtcNow();
        var key = seller.InboundKeys(now).FirstOrDefault(k => UsagePushSignature.Verify(k.AccessKey, ts, request.Nonce!, request.Body, request.Signature))
                  ?? throw new DomainException(SignatureMismatch());
        DomainException.ThrowIf((rate ?? UnlimitedSellerRate.Instance).TryAcquire(seller.SellerId)); // before the nonce: a refused request claims nothing
        var sent = DateTimeOffset.FromUnixTimeMilliseconds(ts);
        var remember = (sent > now ? sent : now) + options.Value.TimestampTolerance;
        if (!await nonces.TryClaimAsync(seller.SellerId, request.Nonce!, remember, ct))
            DomainException.ThrowIf(Unauthorized(NonceReused, "This nonce was used before; send a fresh one with every request."));
        return key;
    }

    /// <summary>
    /// The signature does not verify under the keys of the seller the request concerns. Also the answer when the resource
    /// the request names does not exist: a caller who cannot sign as its seller learns nothing about which ids exist.
    /// </summary>
    public static DomainError SignatureMismatch() => Unauthorized(BadSignature,
        "The signature does not match: base64(HMAC-SHA256(your base key, \"ts={ts}&nonce={nonce}&body={body}\")), with an empty body for a GET.");

    private static DomainError Unauthorized(string code, string detail) => new(ErrorKind.Unauthorized, code, detail);
}

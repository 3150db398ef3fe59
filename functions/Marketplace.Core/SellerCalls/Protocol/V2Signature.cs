using System.Globalization;

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>
/// The V2 base-interface signature (domain.md §7.2), sent as the query parameters <c>signature</c>, <c>timestamp</c>
/// and <c>nonce</c>:
/// <code>
/// bodyHash  = lower-hex( HMAC_SHA256(key = accessKey, data = canonicalBody) )
/// signature = upper-hex( HMAC_SHA256(key = accessKey, data = accessKey + nonce + timestamp + bodyHash) )
/// </code>
/// The timestamp is Unix time in milliseconds. Verification accepts either hex case and compares in constant time.
/// </summary>
public static class V2Signature
{
    public const string SignatureParameter = "signature";
    public const string TimestampParameter = "timestamp";
    public const string NonceParameter = "nonce";

    /// <summary>The keyed inner hash of the canonical body, lower-case hex.</summary>
    public static string BodyHash(string accessKey, string canonicalBody)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        ArgumentNullException.ThrowIfNull(canonicalBody);
        return Convert.ToHexStringLower(Hmac.Sha256(accessKey, canonicalBody));
    }

    /// <summary>The string that is signed: <c>accessKey + nonce + timestamp + bodyHash</c>.</summary>
    public static string CanonicalRequest(string accessKey, string nonce, long timestamp, string canonicalBody) =>
        accessKey + nonce + timestamp.ToString(CultureInfo.InvariantCulture) + BodyHash(accessKey, canonicalBody);

    /// <summary>The signature as sent: upper-case hex, 64 characters.</summary>
    public static string Sign(string accessKey, string nonce, long timestamp, string canonicalBody) =>
        Convert.ToHexString(Mac(accessKey, nonce, timestamp, canonicalBody));

    /// <summary>True when <paramref name="signature"/> (either hex case) is the signature of the body under the key.</summary>
    public static bool Verify(string accessKey, string nonce, long timestamp, string canonicalBody, string? signature) =>
        Hmac.HexEquals(Mac(accessKey, nonce, timestamp, canonicalBody), signature);

    private static byte[] Mac(string accessKey, string nonce, long timestamp, string canonicalBody)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        ArgumentNullException.ThrowIfNull(nonce);
        return Hmac.Sha256(accessKey, CanonicalRequest(accessKey, nonce, timestamp, canonicalBody));
    }
}

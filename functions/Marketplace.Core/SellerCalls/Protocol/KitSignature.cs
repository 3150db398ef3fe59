using System.Globalization;

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>
/// The Kit (federated sync) signature of domain.md §7.3, sent in headers:
/// <code>x-sign = lower-hex( HMAC_SHA256(key = kitKey, data = kitKey + x-nonce + x-timestamp + canonicalBody) )</code>
/// No inner hash. The Kit key is bound separately from the base key and must differ from it.
/// </summary>
public static class KitSignature
{
    public const string SignHeader = "x-sign";
    public const string TimestampHeader = "x-timestamp";
    public const string NonceHeader = "x-nonce";

    /// <summary>The <c>x-sign</c> value, lower-case hex.</summary>
    public static string Sign(string kitKey, string nonce, long timestamp, string canonicalBody) =>
        Convert.ToHexStringLower(Mac(kitKey, nonce, timestamp, canonicalBody));

    /// <summary>True when <paramref name="signature"/> (either hex case) matches; constant-time.</summary>
    public static bool Verify(string kitKey, string nonce, long timestamp, string canonicalBody, string? signature) =>
        Hmac.HexEquals(Mac(kitKey, nonce, timestamp, canonicalBody), signature);

    private static byte[] Mac(string kitKey, string nonce, long timestamp, string canonicalBody)
    {
        ArgumentException.ThrowIfNullOrEmpty(kitKey);
        ArgumentNullException.ThrowIfNull(nonce);
        ArgumentNullException.ThrowIfNull(canonicalBody);
        return Hmac.Sha256(kitKey, kitKey + nonce + timestamp.ToString(CultureInfo.InvariantCulture) + canonicalBody);
    }
}

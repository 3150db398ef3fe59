using System.Globalization;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Metering;

/// <summary>
/// The signature a seller puts on a usage push (domain.md §8.1), header <c>signature</c> with headers <c>ts</c> (Unix ms)
/// and <c>nonce</c>: <c>base64(HMAC_SHA256(key = the seller's base key, data = "ts={ts}&amp;nonce={nonce}&amp;body={body}"))</c>.
/// The body is the request body exactly as received.
/// </summary>
public static class UsagePushSignature
{
    public const string SignatureHeader = "signature";
    public const string TimestampHeader = "ts";
    public const string NonceHeader = "nonce";

    public static string StringToSign(long ts, string nonce, string body) =>
        $"ts={ts.ToString(CultureInfo.InvariantCulture)}&nonce={nonce}&body={body}";

    /// <summary>The base64 signature.</summary>
    public static string Sign(string sellerKey, long ts, string nonce, string body)
    {
        ArgumentException.ThrowIfNullOrEmpty(sellerKey);
        ArgumentNullException.ThrowIfNull(nonce);
        ArgumentNullException.ThrowIfNull(body);
        return Convert.ToBase64String(Hmac.Sha256(sellerKey, StringToSign(ts, nonce, body)));
    }

    /// <summary>
    /// Constant-time check of a base64 signature over the body's raw UTF-8 bytes, as received (no decoding, no copy of the
    /// body): the same as <see cref="Verify(string, long, string, string, string?)"/> for a valid UTF-8 body.
    /// </summary>
    public static bool Verify(string sellerKey, long ts, string nonce, ReadOnlySpan<byte> utf8Body, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(sellerKey);
        ArgumentNullException.ThrowIfNull(nonce);
        using var hmac = System.Security.Cryptography.IncrementalHash.CreateHMAC(
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Text.Encoding.UTF8.GetBytes(sellerKey));
        hmac.AppendData(System.Text.Encoding.UTF8.GetBytes(StringToSign(ts, nonce, string.Empty)));
        hmac.AppendData(utf8Body);
        return Hmac.Base64Equals(hmac.GetHashAndReset(), signature);
    }

    /// <summary>Constant-time check of a base64 signature.</summary>
    public static bool Verify(string sellerKey, long ts, string nonce, string body, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(sellerKey);
        ArgumentNullException.ThrowIfNull(nonce);
        ArgumentNullException.ThrowIfNull(body);
        return Hmac.Base64Equals(Hmac.Sha256(sellerKey, StringToSign(ts, nonce, body)), signature);
    }
}

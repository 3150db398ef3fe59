using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>HMAC-SHA256 helpers shared by the seller-protocol signatures. UTF-8 for every key and message.</summary>
internal static class Hmac
{
    public static byte[] Sha256(string key, string message) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(message));

    public static byte[] Sha256(string key, byte[] message) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), message);

    /// <summary>Constant-time comparison of an expected MAC with a hex string given in either case.</summary>
    public static bool HexEquals(byte[] expected, string? givenHex)
    {
        if (string.IsNullOrEmpty(givenHex) || givenHex.Length != expected.Length * 2)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(givenHex);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>Constant-time comparison of an expected MAC with a base64 string.</summary>
    public static bool Base64Equals(byte[] expected, string? givenBase64)
    {
        if (string.IsNullOrEmpty(givenBase64))
        {
            return false;
        }

        var buffer = new byte[givenBase64.Length];
        if (!Convert.TryFromBase64String(givenBase64.Trim(), buffer, out var written) || written != expected.Length)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, buffer.AsSpan(0, written));
    }
}

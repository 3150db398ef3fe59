using System.Text;
using System.Text.RegularExpressions;

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>Result of checking a response's <c>Body-Sign</c> header.</summary>
public enum BodySignCheck
{
    /// <summary>No header: accepted (V2 responses need not be signed; decisions row 3).</summary>
    Absent,
    Valid,
    /// <summary>The header is there but does not match the body under the key.</summary>
    Mismatch,
    /// <summary>The header is there but cannot be read (or names another algorithm).</summary>
    Malformed,
}

/// <summary>
/// The response signature header of the V1 profile (domain.md §7.4), also accepted on V2 responses:
/// <c>Body-Sign: sign_type="HMAC-SHA256", signature= "&lt;base64(HMAC_SHA256(accessKey, rawBody))&gt;"</c>.
/// The raw body is the entire response body as received, whitespace included.
/// </summary>
public static partial class BodySign
{
    public const string HeaderName = "Body-Sign";
    public const string Algorithm = "HMAC-SHA256";

    /// <summary>base64( HMAC_SHA256(accessKey, rawBody as UTF-8) ).</summary>
    public static string Compute(string accessKey, string rawBody)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        ArgumentNullException.ThrowIfNull(rawBody);
        return Convert.ToBase64String(Hmac.Sha256(accessKey, Encoding.UTF8.GetBytes(rawBody)));
    }

    /// <summary>The header value, with the quoting exactly as documented.</summary>
    public static string FormatHeader(string signatureBase64) =>
        $"sign_type=\"{Algorithm}\", signature= \"{signatureBase64}\"";

    /// <summary>The header value for a body.</summary>
    public static string HeaderFor(string accessKey, string rawBody) => FormatHeader(Compute(accessKey, rawBody));

    /// <summary>Reads <c>sign_type</c> and <c>signature</c> from a header value; spaces around <c>=</c> and <c>,</c> are tolerated.</summary>
    public static bool TryParse(string? headerValue, out string signType, out string signature)
    {
        signType = "";
        signature = "";
        if (string.IsNullOrWhiteSpace(headerValue))
        {
            return false;
        }

        var match = HeaderPattern().Match(headerValue);
        if (!match.Success)
        {
            return false;
        }

        signType = match.Groups["type"].Value;
        signature = match.Groups["sig"].Value.Trim();
        return true;
    }

    /// <summary>Checks a header against the raw body, in constant time.</summary>
    public static BodySignCheck Verify(string accessKey, string rawBody, string? headerValue)
    {
        if (headerValue is null)
        {
            return BodySignCheck.Absent;
        }

        if (!TryParse(headerValue, out var type, out var signature)
            || !string.Equals(type, Algorithm, StringComparison.OrdinalIgnoreCase))
        {
            return BodySignCheck.Malformed;
        }

        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        var expected = Hmac.Sha256(accessKey, Encoding.UTF8.GetBytes(rawBody ?? ""));
        return Hmac.Base64Equals(expected, signature) ? BodySignCheck.Valid : BodySignCheck.Mismatch;
    }

    [GeneratedRegex("""^\s*sign_type\s*=\s*"(?<type>[^"]*)"\s*,\s*signature\s*=\s*"(?<sig>[^"]*)"\s*$""", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderPattern();
}

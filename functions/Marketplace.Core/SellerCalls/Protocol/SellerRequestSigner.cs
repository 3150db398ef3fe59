using System.Globalization;

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>A request ready to POST: URL (with the signature parameters for base calls), headers and body.</summary>
public sealed record SignedSellerRequest(
    Uri Url,
    string Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string Nonce,
    long Timestamp,
    string Signature)
{
    /// <summary>Content type of every seller call (§7.1), to set on the content.</summary>
    public const string ContentType = "application/json;charset=utf8";
}

/// <summary>
/// Signs a request for sending. Pure: the nonce and the timestamp (Unix ms) come in as arguments
/// (see <see cref="INonceSource"/> and the caller's TimeProvider).
/// </summary>
public static class SellerRequestSigner
{
    /// <summary>Base call: <c>POST {productionUrl}?signature=..&amp;timestamp=..&amp;nonce=..</c>; Kit call: <c>POST {productionUrl}/produceAPI/v2/{activity}</c> with <c>x-sign</c> headers.</summary>
    public static SignedSellerRequest Sign(SellerRequest request, Uri productionUrl, string key, string nonce, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(productionUrl);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        if (request.Activity == SellerActivities.NewInstance && request.BusinessId is null)
        {
            throw new InvalidOperationException("A newInstance request needs a businessId before it is sent.");
        }

        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        if (request.IsKit)
        {
            var xsign = KitSignature.Sign(key, nonce, timestamp, request.Body);
            return new SignedSellerRequest(
                SellerUrlRules.KitUrl(productionUrl, request.Activity),
                request.Body,
                [
                    new("Accept", "application/json"),
                    new(KitSignature.SignHeader, xsign),
                    new(KitSignature.TimestampHeader, ts),
                    new(KitSignature.NonceHeader, nonce),
                ],
                nonce, timestamp, xsign);
        }

        var signature = V2Signature.Sign(key, nonce, timestamp, request.Body);
        var baseUrl = productionUrl.GetLeftPart(UriPartial.Path);
        var url = new Uri(
            $"{baseUrl}?{V2Signature.SignatureParameter}={signature}&{V2Signature.TimestampParameter}={ts}&{V2Signature.NonceParameter}={Uri.EscapeDataString(nonce)}");
        return new SignedSellerRequest(url, request.Body, [new("Accept", "application/json")], nonce, timestamp, signature);
    }
}

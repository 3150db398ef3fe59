using System.Text;

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>
/// The deprecated V1 <c>authToken</c> (domain.md §7.8), kept for the compatibility profile and its test vector:
/// sort the parameter names (all but <c>authToken</c>), join as <c>k=v&amp;k=v</c> with decoded values, then
/// <c>base64(HMAC_SHA256(key = accessKey + timeStamp, data = joined))</c>.
/// </summary>
public static class V1AuthToken
{
    public static string StringToSign(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var sb = new StringBuilder();
        foreach (var (name, value) in parameters
                     .Where(p => p.Key != "authToken")
                     .OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            sb.Append(name).Append('=').Append(value);
        }

        return sb.ToString();
    }

    public static string Compute(string accessKey, string timeStamp, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        ArgumentException.ThrowIfNullOrEmpty(timeStamp);
        return Convert.ToBase64String(Hmac.Sha256(accessKey + timeStamp, StringToSign(parameters)));
    }

    public static bool Verify(string accessKey, string timeStamp, IEnumerable<KeyValuePair<string, string>> parameters, string? authToken) =>
        Hmac.Base64Equals(Convert.FromBase64String(Compute(accessKey, timeStamp, parameters)), authToken);
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marketplace.FakeSeller;

/// <summary>
/// The seller side of the signatures, written the way Huawei's Java demo does it and independent of the platform's
/// code: parse the body into a sorted map (Java <c>TreeMap</c>: top-level keys in ordinal order, nulls dropped),
/// re-serialize it compactly as Jackson would (nested values in document order, only <c>"</c>, <c>\</c> and control
/// characters escaped), then
/// <list type="bullet">
/// <item>base: <c>hex(HMAC(key, key + nonce + timestamp + hex(HMAC(key, payload))))</c>, compared ignoring case;</item>
/// <item>Kit: <c>hex(HMAC(key, key + nonce + timestamp + payload))</c>.</item>
/// </list>
/// </summary>
public static class JavaStyleVerifier
{
    /// <summary>The re-serialized payload, or null when the body is not a JSON object.</summary>
    public static string? Reserialize(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var tree = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var member in doc.RootElement.EnumerateObject())
            {
                if (member.Value.ValueKind != JsonValueKind.Null)
                {
                    tree[member.Name] = member.Value;
                }
            }

            var sb = new StringBuilder("{");
            var first = true;
            foreach (var (key, value) in tree)
            {
                if (!first)
                {
                    sb.Append(',');
                }

                first = false;
                Quote(sb, key);
                sb.Append(':');
                Write(sb, value);
            }

            return sb.Append('}').ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string BaseSignature(string key, string nonce, string timestamp, string payload)
    {
        var bodyHash = Convert.ToHexString(Mac(key, payload)).ToLowerInvariant();
        return Convert.ToHexString(Mac(key, key + nonce + timestamp + bodyHash));
    }

    public static string KitSignature(string key, string nonce, string timestamp, string payload) =>
        Convert.ToHexString(Mac(key, key + nonce + timestamp + payload)).ToLowerInvariant();

    public static bool SameHex(string expected, string? given) =>
        given is not null && given.Length == expected.Length
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected.ToUpperInvariant()), Encoding.ASCII.GetBytes(given.ToUpperInvariant()));

    /// <summary>The response header value: <c>sign_type="HMAC-SHA256", signature= "base64"</c>.</summary>
    public static string BodySignHeader(string key, string body) =>
        $"sign_type=\"HMAC-SHA256\", signature= \"{Convert.ToBase64String(Mac(key, body))}\"";

    private static byte[] Mac(string key, string data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(data));

    private static void Write(StringBuilder sb, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                Quote(sb, value.GetString()!);
                break;
            case JsonValueKind.Object:
                sb.Append('{');
                var first = true;
                foreach (var member in value.EnumerateObject())
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    Quote(sb, member.Name);
                    sb.Append(':');
                    Write(sb, member.Value);
                }

                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        sb.Append(',');
                    }

                    firstItem = false;
                    Write(sb, item);
                }

                sb.Append(']');
                break;
            default:
                sb.Append(value.GetRawText()); // numbers, true, false, null
                break;
        }
    }

    private static void Quote(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            if (c == '"' || c == '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if (c < ' ')
            {
                sb.Append(c switch
                {
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    '\b' => "\\b",
                    '\f' => "\\f",
                    _ => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
                });
            }
            else
            {
                sb.Append(c);
            }
        }

        sb.Append('"');
    }
}

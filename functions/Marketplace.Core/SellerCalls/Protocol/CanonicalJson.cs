using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>
/// The canonical request body of domain.md §7.2: the bytes a seller's verifier arrives at when it parses the body into a
/// Java <c>TreeMap</c> and re-serializes it with Jackson. Sending the body already in this form means raw-byte verifiers
/// and re-serializing verifiers compute the same signature.
/// <list type="bullet">
/// <item>object keys in ascending ordinal order (UTF-16 code units, as <c>String.compareTo</c>), at every level;</item>
/// <item>null members dropped, at every level (array elements are kept as they are);</item>
/// <item>compact: no whitespace;</item>
/// <item>strings escaped as Jackson does: only <c>"</c>, <c>\</c> and control characters below U+0020
///   (<c>\b \t \n \f \r</c>, others <c>\u00XX</c> upper-case); <c>/</c> and non-ASCII are written as they are;</item>
/// <item>UTF-8.</item>
/// </list>
/// Numbers are written as given (integers in invariant form). Base-interface bodies carry strings only; Kit bodies carry
/// small integers (<c>flag</c>, <c>testFlag</c>). Fractional numbers are avoided: Java's <c>Double.toString</c> differs.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Canonical form of a set of top-level members. Values: string, bool, integers, decimal, double,
    /// <see cref="JsonNode"/>, dictionaries with string keys, and sequences of those. Null values are dropped.</summary>
    public static string Serialize(IEnumerable<KeyValuePair<string, object?>> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var sb = new StringBuilder();
        WriteObject(sb, members);
        return sb.ToString();
    }

    /// <summary>Canonical form of string members (the base-interface case). Null values are dropped.</summary>
    public static string Serialize(IEnumerable<KeyValuePair<string, string?>> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return Serialize(members.Select(m => new KeyValuePair<string, object?>(m.Key, m.Value)));
    }

    /// <summary>Canonical form of a JSON object.</summary>
    public static string Serialize(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Serialize(body.Select(m => new KeyValuePair<string, object?>(m.Key, m.Value)));
    }

    /// <summary>Parses a JSON object and returns its canonical form.</summary>
    /// <exception cref="FormatException">The text is not a JSON object.</exception>
    public static string Canonicalize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Not valid JSON: {ex.Message}", ex);
        }

        return node is JsonObject obj ? Serialize(obj) : throw new FormatException("The JSON body must be an object.");
    }

    /// <summary>The UTF-8 bytes that are hashed and sent.</summary>
    public static byte[] ToUtf8(string canonicalBody) => Encoding.UTF8.GetBytes(canonicalBody);

    private static void WriteObject(StringBuilder sb, IEnumerable<KeyValuePair<string, object?>> members)
    {
        var sorted = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in members)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (!sorted.TryAdd(key, value))
            {
                throw new ArgumentException($"Duplicate member '{key}'.", nameof(members));
            }
        }

        sb.Append('{');
        var first = true;
        foreach (var (key, value) in sorted)
        {
            if (IsNull(value))
            {
                continue;
            }

            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            WriteString(sb, key);
            sb.Append(':');
            WriteValue(sb, value);
        }

        sb.Append('}');
    }

    private static bool IsNull(object? value) =>
        value is null || (value is JsonValue v && v.GetValueKind() == JsonValueKind.Null)
        || (value is JsonElement e && e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined);

    private static void WriteValue(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case string s:
                WriteString(sb, s);
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case byte or sbyte or short or ushort or int or uint or long or ulong:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case decimal m:
                sb.Append(m.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(FiniteOrThrow(d).ToString("R", CultureInfo.InvariantCulture));
                break;
            case float f:
                sb.Append(FiniteOrThrow(f).ToString("R", CultureInfo.InvariantCulture));
                break;
            case JsonObject o:
                WriteObject(sb, o.Select(m => new KeyValuePair<string, object?>(m.Key, m.Value)));
                break;
            case JsonArray a:
                WriteArray(sb, a);
                break;
            case JsonValue v:
                WriteJsonValue(sb, v);
                break;
            case JsonElement e:
                WriteValue(sb, JsonSerializerElementToNode(e));
                break;
            case IEnumerable<KeyValuePair<string, object?>> dict:
                WriteObject(sb, dict);
                break;
            case IEnumerable<KeyValuePair<string, string?>> sdict:
                WriteObject(sb, sdict.Select(m => new KeyValuePair<string, object?>(m.Key, m.Value)));
                break;
            case IDictionary dictionary:
                WriteObject(sb, dictionary.Cast<DictionaryEntry>().Select(entry =>
                    new KeyValuePair<string, object?>(entry.Key as string ?? throw new ArgumentException("Object keys must be strings."), entry.Value)));
                break;
            case IEnumerable sequence:
                WriteArray(sb, sequence);
                break;
            default:
                throw new ArgumentException($"Values of type {value.GetType().Name} cannot be written to a canonical body.");
        }
    }

    private static object? JsonSerializerElementToNode(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(e),
        JsonValueKind.Array => JsonArray.Create(e),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => JsonValue.Create(e),
    };

    private static double FiniteOrThrow(double d) =>
        double.IsFinite(d) ? d : throw new ArgumentException("NaN and infinities cannot be written to JSON.");

    private static void WriteArray(StringBuilder sb, IEnumerable items)
    {
        sb.Append('[');
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            WriteValue(sb, item);
        }

        sb.Append(']');
    }

    private static void WriteJsonValue(StringBuilder sb, JsonValue v)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(sb, v.GetValue<string>());
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Null:
                sb.Append("null");
                break;
            case JsonValueKind.Number:
                // A parsed number keeps its source text; a CLR number is written in its shortest round-trip form.
                sb.Append(v.ToJsonString());
                break;
            default:
                throw new ArgumentException($"Unexpected JSON value kind {v.GetValueKind()}.");
        }
    }

    internal static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u00").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}

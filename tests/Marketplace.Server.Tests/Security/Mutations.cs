using System.Text;
using System.Text.Json.Nodes;

namespace Marketplace.Server.Tests.Security;

/// <summary>
/// One hostile variant of a valid request. <see cref="MustRefuse"/>: the server must answer 4xx problem+json with a
/// code and store nothing. Otherwise it is tolerated input (an extra field, a missing optional one, an odd but valid
/// character): any answer below 500, a 4xx with problem+json and a code.
/// </summary>
public sealed record Mutation(string Name, bool MustRefuse, byte[]? Body, string? ContentType, bool Chunked = false, string? Path = null, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>Deterministic hostile variants of JSON bodies, path values and uploads (a seeded <see cref="Random"/> picks among them).</summary>
public static class Mutations
{
    public const int OneMegabyte = 1_000_000;
    private const string Marker = "@@MUTATION@@";
    private static readonly string Json = "application/json";

    /// <summary>
    /// Values that break a path parameter: traversal (encoded, double-encoded, backslashes), NUL, bidi controls,
    /// overlong and invalid UTF-8, table-key characters, length. A raw %00 never reaches the API (the server refuses a
    /// path with a NUL before routing; %2500 carries one to a handler that decodes its value once more), and plain dot
    /// segments are resolved by the client and the server into another URL before routing, which the matrix covers.
    /// </summary>
    public static readonly string[] PathValues =
    [
        "..%2F..%2Fetc%2Fpasswd", "..%5C..%5Cwindows%5Cwin.ini", "%252e%252e%252f", "%2500", "x%2500.pdf", "a%2Fb", "a%5Cb",
        "%E2%80%AEfdp.exe", "report%E2%80%8B.pdf", "%C0%AF", "%FF%FE", "%23fragment", "%3Fq%3D1", "'%20or%20'1'%3D'1", new string('a', 2000), "%20", "%09",
    ];

    /// <summary>Path values that are odd but harmless as a file name (kept literally): tolerated there, refused (404) as ids.</summary>
    public static readonly HashSet<string> HarmlessFileNames = ["%C0%AF", "%FF%FE", "%23fragment", "'%20or%20'1'%3D'1"];

    /// <summary>The leaves (strings, numbers, booleans) of a JSON body, as paths of property names and indexes.</summary>
    public static List<object[]> Leaves(JsonNode node, object[]? at = null)
    {
        at ??= [];
        var leaves = new List<object[]>();
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                    if (v is not null) leaves.AddRange(Leaves(v, [.. at, k]));
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (a[i] is { } v) leaves.AddRange(Leaves(v, [.. at, i]));
                break;
            default:
                leaves.Add(at);
                break;
        }

        return leaves;
    }

    public static string PathText(object[] path) => string.Concat(path.Select(p => p is int i ? $"[{i}]" : "." + p)).TrimStart('.');

    /// <summary>The body with the leaf at <paramref name="path"/> replaced by raw JSON text (which may be invalid JSON on purpose).</summary>
    public static byte[] Replace(JsonNode body, object[] path, byte[] rawJson)
    {
        var copy = body.DeepClone();
        Set(copy, path, JsonValue.Create(Marker));
        var text = Encoding.UTF8.GetBytes(copy.ToJsonString());
        return Splice(text, Encoding.UTF8.GetBytes($"\"{Marker}\""), rawJson);
    }

    public static byte[] Replace(JsonNode body, object[] path, string rawJson) => Replace(body, path, Encoding.UTF8.GetBytes(rawJson));

    public static JsonNode? Get(JsonNode node, object[] path) =>
        path.Aggregate<object, JsonNode?>(node, (n, p) => p is int i ? n?[i] : n?[(string)p]);

    private static void Set(JsonNode root, object[] path, JsonNode? value)
    {
        var parent = Get(root, path[..^1])!;
        if (path[^1] is int i) parent.AsArray()[i] = value;
        else parent.AsObject()[(string)path[^1]] = value;
    }

    private static byte[] Splice(byte[] text, byte[] find, byte[] with)
    {
        var at = text.AsSpan().IndexOf(find);
        return [.. text.AsSpan(0, at), .. with, .. text.AsSpan(at + find.Length)];
    }

    /// <summary>Variants of a JSON body (an object). The top level is mutated whole; each leaf gets wrong types, huge numbers, long and broken strings.</summary>
    public static List<Mutation> ForJsonBody(JsonNode body, Random random, long maxBodyBytes, bool checksTypes = true, bool optionalBody = false)
    {
        var text = body.ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(text);
        var list = new List<Mutation>
        {
            new("empty body", !optionalBody, [], Json),
            new("truncated JSON", true, bytes[..(bytes.Length / 2)], Json),
            new("top-level array", true, Encoding.UTF8.GetBytes($"[{text}]"), Json),
            new("top-level string", true, "\"x\""u8.ToArray(), Json),
            new("JSON null", !optionalBody, "null"u8.ToArray(), Json),
            new("10,000 nested objects", true, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)), Json),
            new("10,000 nested arrays", true, Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)), Json),
            new("comments and trailing commas", true, Encoding.UTF8.GetBytes("/* hi */" + text[..^1] + ",}"), Json),
            new("text/plain", true, bytes, "text/plain"),
            new("form-encoded", true, "a=b&c=d"u8.ToArray(), "application/x-www-form-urlencoded"),
            new("no Content-Type", true, bytes, null),
            new("over the body limit", true, Encoding.UTF8.GetBytes($"{{\"pad\":\"{new string('x', (int)maxBodyBytes + 16)}\"}}"), Json),
            new("over the body limit, chunked", true, Encoding.UTF8.GetBytes($"{{\"pad\":\"{new string('x', (int)maxBodyBytes + 16)}\"}}"), Json, Chunked: true),
            new("extra fields", false, Encoding.UTF8.GetBytes(text[..^1] + (text.Length > 2 ? "," : "") + "\"unexpected\":{\"deep\":[1,2,{\"x\":null}]},\"__proto__\":{\"admin\":true}}"), Json),
        };
        if (body is JsonObject o && o.Count > 0)
        {
            var (first, value) = o.First();
            list.Add(new("duplicate key " + first, true, Encoding.UTF8.GetBytes($"{{\"{first}\":{value?.ToJsonString() ?? "null"},{text[1..]}"), Json));
            foreach (var (k, _) in o)
            {
                var without = (JsonObject)o.DeepClone();
                without.Remove(k);
                list.Add(new($"missing {k}", false, Encoding.UTF8.GetBytes(without.ToJsonString()), Json));
                list.Add(new($"{k} null", false, Replace(body, [k], "null"), Json));
            }
        }

        foreach (var leaf in Leaves(body))
        {
            var name = PathText(leaf);
            var value = Get(body, leaf)!;
            var isString = value.GetValueKind() == System.Text.Json.JsonValueKind.String;
            // Wrong JSON types: two picked per leaf.
            var wrong = isString
                ? new[] { "12345", "true", "{}", "[]", "[\"a\"]", "1e309", "-0" }
                : new[] { "\"12\"", "\"NaN\"", "{}", "[1]", "1e309", "9223372036854775808", "-1.5e-400" };
            if (checksTypes)
                foreach (var w in wrong.OrderBy(_ => random.Next()).Take(2))
                    list.Add(new($"{name} = {w}", true, Replace(body, leaf, w), Json));
            if (isString)
            {
                list.Add(new($"{name} 1 MB long", true, Replace(body, leaf, $"\"{new string('é', OneMegabyte / 2)}\""), Json));
                list.Add(new($"{name} invalid UTF-8", true, Replace(body, leaf, [(byte)'"', (byte)'a', 0xFF, 0xFE, (byte)'b', (byte)'"']), Json));
                list.Add(new($"{name} overlong UTF-8", true, Replace(body, leaf, [(byte)'"', 0xC0, 0xAF, (byte)'"']), Json));
                list.Add(new($"{name} raw control character", true, Replace(body, leaf, [(byte)'"', (byte)'a', 0x01, (byte)'b', (byte)'"']), Json));
                list.Add(new($"{name} escaped lone surrogate", false, Replace(body, leaf, "\"a\\ud800b\""), Json));
                var odd = new[] { "\\u0000", "\\u202e", "\\u200b", "\\ud83d\\ude00", "\\r\\n", "../../etc/passwd", "..\\\\..\\\\boot.ini", "<script>alert(1)</script>" };
                foreach (var w in odd.OrderBy(_ => random.Next()).Take(3))
                    list.Add(new($"{name} with {w}", false, Replace(body, leaf, $"\"{value.GetValue<string>()}{w}\""), Json));
            }
            else
            {
                foreach (var w in new[] { "-0", "0", "-1", "2147483648" })
                    list.Add(new($"{name} = {w}", false, Replace(body, leaf, w), Json));
            }
        }

        return list;
    }

    /// <summary>Variants of a raw upload: empty, over the limit (with and without a length), with a content type the route may refuse.</summary>
    public static List<Mutation> ForUpload(byte[] bytes, string contentType, long maxBytes, bool checksContentType)
    {
        var big = new byte[maxBytes + 1];
        bytes.CopyTo(big, 0);
        var list = new List<Mutation>
        {
            new("empty file", true, [], contentType),
            new("one byte over the file limit", true, big, contentType),
            new("over the file limit, chunked", true, big, contentType, Chunked: true),
        };
        if (checksContentType)
        {
            list.Add(new("text/html", true, bytes, "text/html"));
            list.Add(new("application/x-msdownload", true, bytes, "application/x-msdownload"));
            list.Add(new("no Content-Type", true, bytes, null));
            list.Add(new("Content-Type with a broken parameter", false, bytes, "application/pdf; charset=\"unterminated"));
        }

        return list;
    }
}

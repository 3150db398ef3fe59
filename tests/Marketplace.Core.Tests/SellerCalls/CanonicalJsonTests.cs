using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Tests.SellerCalls;

public class CanonicalJsonTests
{
    [Fact]
    public void Keys_are_sorted_by_ordinal_order_like_a_java_tree_map()
    {
        var body = CanonicalJson.Serialize(new Dictionary<string, string?>
        {
            ["b"] = "2",
            ["a"] = "1",
            ["B"] = "3",
            ["_"] = "4",
            ["aa"] = "5",
            ["é"] = "6",
        });

        // Upper case before underscore before lower case; non-ASCII last; a prefix before its extensions.
        Assert.Equal("""{"B":"3","_":"4","a":"1","aa":"5","b":"2","é":"6"}""", body);
    }

    [Fact]
    public void Null_members_are_dropped_at_every_level_but_array_nulls_stay()
    {
        var obj = new JsonObject
        {
            ["z"] = null,
            ["a"] = "x",
            ["n"] = new JsonObject { ["k"] = null, ["j"] = "v" },
            ["arr"] = new JsonArray("a", null, 1),
        };

        Assert.Equal("""{"a":"x","arr":["a",null,1],"n":{"j":"v"}}""", CanonicalJson.Serialize(obj));
        Assert.Equal("""{"a":"1"}""", CanonicalJson.Canonicalize("""{"b":null,"a":"1"}"""));
    }

    [Fact]
    public void Nested_objects_are_sorted_too_and_output_is_compact()
    {
        var canonical = CanonicalJson.Canonicalize("""
            { "productInfo" : { "sku" : "s1", "period" : { "type": "month", "number": "1" } },
              "activity" : "changeInstanceCheck" }
            """);

        Assert.Equal("""{"activity":"changeInstanceCheck","productInfo":{"period":{"number":"1","type":"month"},"sku":"s1"}}""", canonical);
    }

    [Fact]
    public void Non_ascii_and_slash_are_not_escaped()
    {
        var body = CanonicalJson.Serialize(new Dictionary<string, string?>
        {
            ["memo"] = "中文 ünïcödé 😀",
            ["url"] = "https://a.example.com/x?y=<z>&w='v'",
        });

        Assert.Equal("""{"memo":"中文 ünïcödé 😀","url":"https://a.example.com/x?y=<z>&w='v'"}""", body);
        Assert.Equal(Encoding.UTF8.GetBytes(body), CanonicalJson.ToUtf8(body));
        Assert.Equal(body, CanonicalJson.Canonicalize("""{"url":"https:\/\/a.example.com\/x?y=\u003cz\u003e&w=\u0027v\u0027","memo":"\u4e2d\u6587 ünïcödé \ud83d\ude00"}"""));
    }

    [Fact]
    public void Quotes_backslashes_and_control_characters_are_escaped_as_jackson_does()
    {
        var body = CanonicalJson.Serialize(new Dictionary<string, string?> { ["s"] = "q\"b\\n\nt\tr\rf\fb\bx\u0001\u001f\u007f" });

        Assert.Equal("{\"s\":\"q\\\"b\\\\n\\nt\\tr\\rf\\fb\\bx\\u0001\\u001F\u007f\"}", body);
    }

    [Fact]
    public void Integers_and_booleans_are_written_plainly()
    {
        var body = CanonicalJson.Serialize(new Dictionary<string, object?>
        {
            ["flag"] = 1,
            ["big"] = 1680508066618L,
            ["ok"] = true,
            ["list"] = new[] { "a", "b" },
            ["nested"] = new Dictionary<string, object?> { ["y"] = false, ["x"] = 0 },
        });

        Assert.Equal("""{"big":1680508066618,"flag":1,"list":["a","b"],"nested":{"x":0,"y":false},"ok":true}""", body);
        Assert.Equal("""{"a":10,"b":-3}""", CanonicalJson.Canonicalize("""{"b":-3,"a":10}"""));
    }

    [Fact]
    public void Duplicate_members_and_non_objects_are_refused()
    {
        Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(new[]
        {
            new KeyValuePair<string, string?>("a", "1"),
            new KeyValuePair<string, string?>("a", "2"),
        }));
        Assert.Throws<FormatException>(() => CanonicalJson.Canonicalize("[1,2]"));
        Assert.Throws<FormatException>(() => CanonicalJson.Canonicalize("not json"));
    }
}

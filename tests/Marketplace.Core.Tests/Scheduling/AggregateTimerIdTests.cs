using Marketplace.Core.Scheduling;

namespace Marketplace.Core.Tests.Scheduling;

public class AggregateTimerIdTests
{
    [Fact]
    public void Is_kind_colon_id_when_the_id_is_plain() =>
        Assert.Equal("case:CS2211181819B4LVS-000001", AggregateTimerId.For("case", "CS2211181819B4LVS-000001"));

    [Theory]
    [InlineData("a/b", "case:a%2Fb")]
    [InlineData(@"a\b", "case:a%5Cb")]
    [InlineData("a#b?c", "case:a%23b%3Fc")]
    [InlineData("50%", "case:50%25")]
    [InlineData("a\nb", "case:a%0Ab")]
    [InlineData("订单|1", "case:订单|1")]
    public void Encodes_what_an_instance_id_may_not_hold(string id, string expected) =>
        Assert.Equal(expected, AggregateTimerId.For("case", id));

    [Fact]
    public void Distinct_ids_stay_distinct_after_encoding() =>
        Assert.NotEqual(AggregateTimerId.For("case", "a/b"), AggregateTimerId.For("case", "a%2Fb"));

    [Fact]
    public void A_long_id_is_cut_to_the_limit_with_a_stable_hash()
    {
        var a = AggregateTimerId.For("seller-call", new string('x', 200) + "1");
        var b = AggregateTimerId.For("seller-call", new string('x', 200) + "2");
        Assert.Equal(AggregateTimerId.MaxLength, a.Length);
        Assert.StartsWith("seller-call:xxx", a);
        Assert.NotEqual(a, b);
        Assert.Equal(a, AggregateTimerId.For("seller-call", new string('x', 200) + "1"));
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var id = AggregateTimerId.For("k", new string('x', 64) + string.Concat(Enumerable.Repeat("😀", 40)));
        Assert.False(char.IsHighSurrogate(id[id.IndexOf('~') - 1]));
    }
}

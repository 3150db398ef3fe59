using Marketplace.Core.Common;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Tests.SellerCalls;

public class SellerUrlRulesTests
{
    [Theory]
    [InlineData("https://www.isvwebsite.com/saasproduce")]
    [InlineData("https://isv.example.com:8443/api/produce")]
    [InlineData("https://xn--fiqs8s.example.com/p")]
    [InlineData("https://example.com")]
    public void Https_domain_names_are_accepted(string url)
    {
        Assert.Null(SellerUrlRules.Validate(url));
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("not a url", "absolute")]
    [InlineData("/relative/path", "absolute")]
    [InlineData("http://www.isvwebsite.com/saasproduce", "https")]
    [InlineData("ftp://www.isvwebsite.com/saasproduce", "https")]
    [InlineData("https://203.0.113.7/saasproduce", "IP address")]
    [InlineData("https://[2001:db8::1]/saasproduce", "IP address")]
    [InlineData("https://127.0.0.1/saasproduce", "loopback")]
    [InlineData("https://localhost/saasproduce", "loopback")]
    [InlineData("https://[::1]/saasproduce", "loopback")]
    [InlineData("https://intranet/saasproduce", "fully qualified")]
    [InlineData("https://user:pw@www.isvwebsite.com/p", "user name")]
    [InlineData("https://www.isvwebsite.com/p?x=1", "query")]
    [InlineData("https://www.isvwebsite.com/p#frag", "query")]
    [InlineData(" https://www.isvwebsite.com/p", "spaces")]
    public void Others_are_refused_with_a_clear_detail(string? url, string detailContains)
    {
        var error = SellerUrlRules.Validate(url);

        Assert.NotNull(error);
        Assert.Equal("seller.invalid-url", error.Code);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.Contains(detailContains, error.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5123/saasproduce")]
    [InlineData("http://127.8.9.10/saasproduce")]
    [InlineData("http://localhost:5000/saasproduce")]
    [InlineData("http://[::1]:5000/saasproduce")]
    [InlineData("https://localhost/saasproduce")]
    [InlineData("http://seller.example.com/saasproduce")]
    public void Allow_insecure_accepts_http_and_loopback(string url)
    {
        Assert.Null(SellerUrlRules.Validate(url, allowInsecure: true));
    }

    [Theory]
    [InlineData("http://10.0.0.5/saasproduce")]
    [InlineData("http://203.0.113.7/saasproduce")]
    [InlineData("ftp://localhost/saasproduce")]
    public void Allow_insecure_still_refuses_other_ip_addresses_and_schemes(string url)
    {
        Assert.NotNull(SellerUrlRules.Validate(url, allowInsecure: true));
    }

    [Fact]
    public void Kit_urls_append_the_fixed_sub_path()
    {
        Assert.Equal("https://a.example.com/saasproduce/produceAPI/v2/authSync",
            SellerUrlRules.KitUrl(new Uri("https://a.example.com/saasproduce"), SellerActivities.AuthSync).AbsoluteUri);
        Assert.Equal("https://a.example.com/produceAPI/v2/allOrgSync",
            SellerUrlRules.KitUrl(new Uri("https://a.example.com/"), SellerActivities.AllOrgSync).AbsoluteUri);
        Assert.Throws<ArgumentException>(() => SellerUrlRules.KitUrl(new Uri("https://a.example.com/"), SellerActivities.NewInstance));
    }
}

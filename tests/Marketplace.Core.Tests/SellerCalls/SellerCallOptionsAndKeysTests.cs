using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Tests.SellerCalls;

public class SellerCallOptionsAndKeysTests
{
    [Fact]
    public void Defaults_match_the_decisions()
    {
        var options = new SellerCallOptions();
        Assert.Equal(TimeSpan.FromHours(3), options.RetryWindow);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.QueryPollInterval);
        Assert.False(options.AllowInsecureUrls);
        Assert.Equal("SellerCalls", SellerCallOptions.SectionName);
        Assert.Equal([1, 2, 5, 10, 20, 30, 30, 30], Enumerable.Range(1, 8).Select(n => options.BackoffAfter(n).TotalMinutes));
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Backoff_setting_parses_comma_separated_durations()
    {
        Assert.Equal(SellerCallOptions.DefaultBackoff,
            SellerCallOptions.ParseBackoff("00:01:00,00:02:00,00:05:00,00:10:00,00:20:00,00:30:00"));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromDays(1.5)], SellerCallOptions.ParseBackoff(" 00:00:01 , 1.12:00:00 "));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("00:01:00,,00:02:00", "entry 2")]
    [InlineData("1m", "entry 1 ('1m') is not a duration")]
    [InlineData("00:01:00;00:02:00", "entry 1")]
    [InlineData("5", "entry 1")]
    [InlineData("00:00:00", "longer than zero")]
    [InlineData("-00:01:00", "longer than zero")]
    public void Bad_backoff_settings_say_what_is_wrong(string setting, string message)
    {
        var ex = Assert.Throws<FormatException>(() => SellerCallOptions.ParseBackoff(setting));
        Assert.Contains(message, ex.Message);
        Assert.Contains("SellerCalls:Backoff", ex.Message);
    }

    [Fact]
    public void Settings_are_read_by_key_with_defaults_for_missing_ones()
    {
        var settings = new Dictionary<string, string?>
        {
            ["RetryWindow"] = "00:00:30",
            ["Backoff"] = "00:00:01,00:00:02",
            ["AllowInsecureUrls"] = "true",
        };

        var options = SellerCallOptions.FromSettings(k => settings.GetValueOrDefault(k));

        Assert.Equal(TimeSpan.FromSeconds(30), options.RetryWindow);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], options.Backoff);
        Assert.True(options.AllowInsecureUrls);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);

        Assert.Contains("AllowInsecureUrls", Assert.Throws<FormatException>(() => SellerCallOptions.FromSettings(k => k == "AllowInsecureUrls" ? "yes" : null)).Message);
        Assert.Contains("Timeout", Assert.Throws<FormatException>(() => SellerCallOptions.FromSettings(k => k == "Timeout" ? "5s" : null)).Message);
        Assert.Contains("RetryWindow", Assert.Throws<FormatException>(() => SellerCallOptions.FromSettings(k => k == "RetryWindow" ? "-01:00:00" : null)).Message);
    }

    [Fact]
    public void Call_ids_are_deterministic_from_the_business_key()
    {
        var a = SellerCallKeys.For(SellerRequest.NewInstance("O1", "O1-000001", "b1"));
        var b = SellerCallKeys.For(SellerRequest.NewInstance("O1", "O1-000001", "b2"));
        var c = SellerCallKeys.For(SellerRequest.NewInstance("O1", "O1-000002", "b1"));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(a, SellerCallKeys.For("newInstance", "O1", "O1-000001"));
        Assert.StartsWith("sc-", a);
        Assert.Equal(43, a.Length);
        Assert.Equal("newInstance|O1|O1-000001||", SellerCallKeys.BusinessKey("newInstance", "O1", "O1-000001"));
        Assert.Equal("x|a%7Cb|c%25||", SellerCallKeys.BusinessKey("x", "a|b", "c%"));
    }

    [Fact]
    public void Scene_status_and_discriminator_separate_calls()
    {
        var expire = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var renewal = SellerCallKeys.For(SellerRequest.RefreshInstance(RefreshScene.Renewal, "R1", "R1-000001", "i1", expire));
        var formal = SellerCallKeys.For(SellerRequest.RefreshInstance(RefreshScene.TrialToFormal, "R1", "R1-000001", "i1", expire));
        Assert.NotEqual(renewal, formal);

        var freeze = SellerCallKeys.For(SellerRequest.UpdateInstanceStatus("i1", InstanceStatusChange.Freeze));
        var unfreeze = SellerCallKeys.For(SellerRequest.UpdateInstanceStatus("i1", InstanceStatusChange.Unfreeze));
        var freezeAgain = SellerCallKeys.For(SellerRequest.UpdateInstanceStatus("i1", InstanceStatusChange.Freeze), "expiry-2");
        Assert.Equal(3, new[] { freeze, unfreeze, freezeAgain }.Distinct().Count());
        Assert.Equal(SellerCallKeys.For("updateInstanceStatus", null, null, "FREEZE", "i1"), freeze);

        var kit1 = SellerCallKeys.For(SellerRequest.Kit("tenantSync", new Dictionary<string, object?> { ["tenantId"] = "t", ["flag"] = 1 }));
        var kit2 = SellerCallKeys.For(SellerRequest.Kit("tenantSync", new Dictionary<string, object?> { ["tenantId"] = "t", ["flag"] = 0 }));
        Assert.NotEqual(kit1, kit2);
    }
}

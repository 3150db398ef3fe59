using Marketplace.Core.Common;
using Marketplace.Core.Metering;
using static Marketplace.Core.Tests.Metering.MeteringFixture;

namespace Marketplace.Core.Tests.Metering;

public class UsagePushHeadersTests
{
    // The worked example of the usage push: ts=1680508066618 is 2023-04-03T07:47:46.618Z.
    private const string Ts = "1680508066618";
    private const string Nonce = "6c63c221-1f6b-4141-8ff4-22f5dfe82b65";
    private static readonly DateTimeOffset SentAt = DateTimeOffset.FromUnixTimeMilliseconds(1680508066618);

    [Fact]
    public void Fresh_timestamp_and_uuid_nonce_are_accepted()
    {
        Assert.Null(UsagePushHeaders.Validate(Ts, Nonce, SentAt.AddSeconds(2), Options()));
    }

    [Theory]
    [InlineData(60_000)]
    [InlineData(-60_000)]
    [InlineData(0)]
    public void Timestamp_exactly_60_seconds_away_either_way_is_accepted(int skewMs)
    {
        Assert.Null(UsagePushHeaders.Validate(Ts, Nonce, SentAt.AddMilliseconds(skewMs), Options()));
    }

    [Theory]
    [InlineData(60_001)]
    [InlineData(-60_001)]
    [InlineData(3_600_000)]
    public void Timestamp_more_than_60_seconds_away_is_stale(int skewMs)
    {
        var error = UsagePushHeaders.Validate(Ts, Nonce, SentAt.AddMilliseconds(skewMs), Options());

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Unauthorized, error.Kind);
        Assert.Equal("auth.stale-timestamp", error.Code);
    }

    [Fact]
    public void Timestamp_in_seconds_instead_of_milliseconds_is_stale()
    {
        Assert.Equal("auth.stale-timestamp", UsagePushHeaders.Validate("1680508066", Nonce, SentAt, Options())?.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1680508066618")]
    [InlineData("1680508066618.0")]
    [InlineData(" 1680508066618")]
    [InlineData("123456789012345678901")]
    [InlineData("99999999999999999999")]
    [InlineData("１680508066618")]
    public void Missing_or_malformed_timestamp_is_refused(string? ts)
    {
        var error = UsagePushHeaders.Validate(ts, Nonce, SentAt, Options());

        Assert.Equal("auth.stale-timestamp", error?.Code);
        Assert.Equal(ErrorKind.Unauthorized, error?.Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/")]
    [InlineData("amp&")]
    [InlineData("ünï")]
    public void Missing_or_malformed_nonce_is_refused(string? nonce)
    {
        var error = UsagePushHeaders.Validate(Ts, nonce, SentAt, Options());

        Assert.Equal("auth.bad-nonce", error?.Code);
        Assert.Equal(ErrorKind.Unauthorized, error?.Kind);
    }

    [Fact]
    public void Nonce_of_64_characters_is_accepted_65_is_refused()
    {
        Assert.Null(UsagePushHeaders.Validate(Ts, new string('A', 64), SentAt, Options()));
        Assert.Equal("auth.bad-nonce", UsagePushHeaders.Validate(Ts, new string('A', 65), SentAt, Options())?.Code);
        Assert.Null(UsagePushHeaders.Validate(Ts, "50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA", SentAt, Options()));
        Assert.Null(UsagePushHeaders.Validate(Ts, "a-b.c_d~e", SentAt, Options()));
    }

    [Fact]
    public void Timestamp_is_checked_before_nonce()
    {
        Assert.Equal("auth.stale-timestamp", UsagePushHeaders.Validate(null, null, SentAt, Options())?.Code);
    }

    [Fact]
    public void Tolerance_is_configurable()
    {
        var options = Options();
        options.TimestampTolerance = TimeSpan.FromSeconds(5);

        Assert.Equal("auth.stale-timestamp", UsagePushHeaders.Validate(Ts, Nonce, SentAt.AddSeconds(6), options)?.Code);
    }

    [Fact]
    public void A_nonce_must_be_remembered_until_its_timestamp_goes_stale()
    {
        Assert.Equal(SentAt.AddSeconds(60), UsagePushHeaders.NonceExpiry(SentAt, Options()));
        Assert.NotNull(UsagePushHeaders.Validate(Ts, Nonce, UsagePushHeaders.NonceExpiry(SentAt, Options()).AddMilliseconds(1), Options()));
    }
}

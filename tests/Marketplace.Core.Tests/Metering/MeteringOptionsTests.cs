using Marketplace.Core.Metering;

namespace Marketplace.Core.Tests.Metering;

public class MeteringOptionsTests
{
    [Fact]
    public void Defaults_match_KooGallery()
    {
        var options = new MeteringOptions();

        Assert.Equal("Billing", MeteringOptions.SectionName);
        Assert.Equal("Asia/Shanghai", options.TimeZone);
        Assert.Equal(1000, options.MaxRecordsPerPush);
        Assert.Equal(TimeSpan.FromDays(21), options.MaxRecordAge);
        Assert.Equal(TimeSpan.FromSeconds(60), options.TimestampTolerance);
        Assert.Equal(TimeSpan.FromMinutes(5), options.FutureTolerance);
        Assert.Equal(15, options.HourlyRunMinute);
        Assert.Equal(TimeSpan.FromHours(1), options.DailyRunAt);
        Assert.Empty(options.Validate());
        Assert.Equal(TimeSpan.FromHours(8), options.ResolveTimeZone().GetUtcOffset(DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Unknown_time_zone_gives_a_clear_error_naming_the_setting()
    {
        var options = new MeteringOptions { TimeZone = "Mars/Olympus_Mons" };

        var error = Assert.Throws<InvalidOperationException>(options.ResolveTimeZone);

        Assert.Contains("Billing:TimeZone", error.Message, StringComparison.Ordinal);
        Assert.Contains("Mars/Olympus_Mons", error.Message, StringComparison.Ordinal);
        Assert.Contains("IANA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_time_zone_is_an_error()
    {
        var error = Assert.Throws<InvalidOperationException>(new MeteringOptions { TimeZone = " " }.ResolveTimeZone);
        Assert.Contains("Billing:TimeZone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_lists_every_bad_setting()
    {
        var options = new MeteringOptions
        {
            TimeZone = "Nowhere/Else",
            MaxRecordsPerPush = 0,
            MaxRecordAge = TimeSpan.Zero,
            TimestampTolerance = TimeSpan.Zero,
            FutureTolerance = TimeSpan.FromSeconds(-1),
            HourlyRunMinute = 60,
            DailyRunAt = TimeSpan.FromHours(24),
        };

        var errors = options.Validate();

        Assert.Equal(7, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("Billing:", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_validator_fails_and_succeeds()
    {
        var validator = new MeteringOptionsValidator();

        Assert.True(validator.Validate(null, new MeteringOptions()).Succeeded);
        var failed = validator.Validate(null, new MeteringOptions { HourlyRunMinute = -1 });
        Assert.True(failed.Failed);
        Assert.Contains("HourlyRunMinute", failed.FailureMessage, StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.Options;

namespace Marketplace.Core.Metering;

/// <summary>
/// Settings of the usage push and the bill runs (configuration section <c>Billing</c>).
/// Every window is configuration so that tests can shrink it.
/// </summary>
public sealed class MeteringOptions
{
    public const string SectionName = "Billing";
    public const string DefaultTimeZone = "Asia/Shanghai";

    /// <summary>IANA id of the zone in which billing periods are cut and the runs are timed (<c>Billing:TimeZone</c>).</summary>
    public string TimeZone { get; set; } = DefaultTimeZone;

    /// <summary>Most records one push may carry (<c>Billing:MaxRecordsPerPush</c>, KooGallery: 1000).</summary>
    public int MaxRecordsPerPush { get; set; } = 1000;

    /// <summary>A record whose <c>begin_time</c> is older than now minus this is rejected with 007 (<c>Billing:MaxRecordAge</c>).</summary>
    public TimeSpan MaxRecordAge { get; set; } = TimeSpan.FromDays(21);

    /// <summary>How far the push header <c>ts</c> may be from the platform clock, either way (<c>Billing:TimestampTolerance</c>).</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How far in the future a record's <c>begin_time</c>, <c>end_time</c> or <c>record_time</c> may lie before it is rejected
    /// with 011, to absorb small clock differences (<c>Billing:FutureTolerance</c>).
    /// </summary>
    public TimeSpan FutureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Minute of every hour at which the hourly run seals the previous hour (<c>Billing:HourlyRunMinute</c>).</summary>
    public int HourlyRunMinute { get; set; } = 15;

    /// <summary>Local time of day at which the daily run seals the previous day (<c>Billing:DailyRunAt</c>).</summary>
    public TimeSpan DailyRunAt { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The billing time zone. Throws <see cref="InvalidOperationException"/> with a message naming the setting when
    /// <see cref="TimeZone"/> is empty or not known to the system.
    /// </summary>
    public TimeZoneInfo ResolveTimeZone()
    {
        if (string.IsNullOrWhiteSpace(TimeZone))
        {
            throw new InvalidOperationException(
                $"{SectionName}:TimeZone is empty. Set it to an IANA time zone id such as '{DefaultTimeZone}'.");
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new InvalidOperationException(
                $"{SectionName}:TimeZone '{TimeZone}' is not a time zone known to this system. " +
                $"Use an IANA time zone id such as '{DefaultTimeZone}' or 'Europe/Berlin'.", ex);
        }
    }

    /// <summary>Every problem with these settings, as sentences naming the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        try
        {
            ResolveTimeZone();
        }
        catch (InvalidOperationException ex)
        {
            errors.Add(ex.Message);
        }

        if (MaxRecordsPerPush < 1)
        {
            errors.Add($"{SectionName}:MaxRecordsPerPush must be at least 1 (it is {MaxRecordsPerPush}).");
        }

        if (MaxRecordAge <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:MaxRecordAge must be positive (it is {MaxRecordAge}).");
        }

        if (TimestampTolerance <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:TimestampTolerance must be positive (it is {TimestampTolerance}).");
        }

        if (FutureTolerance < TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:FutureTolerance must not be negative (it is {FutureTolerance}).");
        }

        if (HourlyRunMinute is < 0 or > 59)
        {
            errors.Add($"{SectionName}:HourlyRunMinute must be between 0 and 59 (it is {HourlyRunMinute}).");
        }

        if (DailyRunAt < TimeSpan.Zero || DailyRunAt >= TimeSpan.FromDays(1))
        {
            errors.Add($"{SectionName}:DailyRunAt must be a time of day from 00:00:00 to 23:59:59 (it is {DailyRunAt}).");
        }

        return errors;
    }
}

/// <summary>Lets a host fail at start-up on bad <c>Billing</c> settings (<c>ValidateOnStart</c>).</summary>
public sealed class MeteringOptionsValidator : IValidateOptions<MeteringOptions>
{
    public ValidateOptionsResult Validate(string? name, MeteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

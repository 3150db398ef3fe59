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

    /// <summary>The value of a schedule setting that turns a timer off (the runs are then started by hand or by another host).</summary>
    public const string ScheduleOff = "off";

    /// <summary>
    /// Six-field cron (seconds first) on which the standalone server wakes the hourly bill run, in the billing zone
    /// (<c>Billing:HourlySchedule</c>). Default: minute <see cref="HourlyRunMinute"/> of every hour. A run seals only the
    /// periods that are due (see <see cref="BillingPeriods.RunTimeOf"/>), so a more frequent schedule seals nothing early.
    /// <c>off</c> turns the timer off.
    /// </summary>
    public string? HourlySchedule { get; set; }

    /// <summary>Six-field cron of the daily bill run (<c>Billing:DailySchedule</c>); default <see cref="DailyRunAt"/> every day; <c>off</c> turns it off.</summary>
    public string? DailySchedule { get; set; }

    /// <summary>Six-field cron of the retention job that drops expired usage tables (<c>Billing:RetentionSchedule</c>); <c>off</c> turns it off.</summary>
    public string RetentionSchedule { get; set; } = "0 30 4 * * *";

    /// <summary>
    /// Days the usage records (and the metering_sn claims, which live beside them) are kept, counted in billing days
    /// (<c>Billing:RetentionDays</c>). Older per-day tables are dropped; bills are kept. Must exceed <see cref="MaxRecordAge"/>.
    /// </summary>
    public int RetentionDays { get; set; } = 45;

    /// <summary>
    /// The longest a usage push may spend writing from its arrival time (<c>Billing:IngestWindow</c>). A bill run waits this
    /// long after choosing its cutoff before it reads, so every push that arrived before the cutoff has landed; a push that
    /// cannot finish its writes in time answers 503 and is resent by the seller.
    /// </summary>
    public TimeSpan IngestWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest usage push body in bytes (<c>Billing:MaxPushBytes</c>); larger bodies answer 413 unread.</summary>
    public int MaxPushBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>How many instances a bill run seals at the same time (<c>Billing:SealParallelism</c>).</summary>
    public int SealParallelism { get; set; } = 8;

    /// <summary>How long a bill run holds its lease before another process may take over (<c>Billing:RunLease</c>).</summary>
    public TimeSpan RunLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The cron of the hourly run: <see cref="HourlySchedule"/> or minute <see cref="HourlyRunMinute"/> of every hour; null when off.</summary>
    public string? EffectiveHourlySchedule => Effective(HourlySchedule, $"0 {HourlyRunMinute} * * * *");

    /// <summary>The cron of the daily run: <see cref="DailySchedule"/> or <see cref="DailyRunAt"/> every day; null when off.</summary>
    public string? EffectiveDailySchedule =>
        Effective(DailySchedule, $"{DailyRunAt.Seconds} {DailyRunAt.Minutes} {DailyRunAt.Hours} * * *");

    /// <summary>The cron of the retention job; null when off.</summary>
    public string? EffectiveRetentionSchedule => Effective(RetentionSchedule, null);

    private static string? Effective(string? configured, string? fallback)
    {
        if (string.IsNullOrWhiteSpace(configured)) return fallback;
        return string.Equals(configured.Trim(), ScheduleOff, StringComparison.OrdinalIgnoreCase) ? null : configured.Trim();
    }

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

        if (RetentionDays < 1 || TimeSpan.FromDays(RetentionDays) <= MaxRecordAge + TimeSpan.FromDays(1))
        {
            errors.Add($"{SectionName}:RetentionDays must be more than {SectionName}:MaxRecordAge plus one day (it is {RetentionDays}); records are accepted for MaxRecordAge and must stay until their bill is sealed.");
        }

        if (IngestWindow <= TimeSpan.Zero || IngestWindow > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{SectionName}:IngestWindow must be between 00:00:00 and 00:05:00 (it is {IngestWindow}).");
        }

        if (MaxPushBytes < 1024)
        {
            errors.Add($"{SectionName}:MaxPushBytes must be at least 1024 (it is {MaxPushBytes}).");
        }

        if (SealParallelism is < 1 or > 64)
        {
            errors.Add($"{SectionName}:SealParallelism must be between 1 and 64 (it is {SealParallelism}).");
        }

        if (RunLease < IngestWindow + IngestWindow)
        {
            errors.Add($"{SectionName}:RunLease must be at least twice {SectionName}:IngestWindow (it is {RunLease}).");
        }

        foreach (var (name, cron) in new[] { ("HourlySchedule", EffectiveHourlySchedule), ("DailySchedule", EffectiveDailySchedule), ("RetentionSchedule", EffectiveRetentionSchedule) })
        {
            if (cron is not null && cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 6)
            {
                errors.Add($"{SectionName}:{name} '{cron}' must be a six-field cron expression (seconds first) or 'off'.");
            }
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

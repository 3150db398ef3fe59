namespace Marketplace.Core.DialTests;

/// <summary>Settings of section <c>DialTests</c> (§7.6 monitoring).</summary>
public sealed class DialTestOptions
{
    public const string SectionName = "DialTests";

    /// <summary><c>DialTests:Enabled</c>: whether the timer runs the dial tests (sellers can always start a run). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>DialTests:Schedule</c>: six-field cron (seconds first); default every morning and afternoon, <c>0 0 9,15 * * *</c>.</summary>
    public string Schedule { get; set; } = "0 0 9,15 * * *";

    /// <summary><c>DialTests:TimeZone</c>: the zone of the schedule and of the day a run counts for; default <c>Asia/Shanghai</c>.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary><c>DialTests:FailedDaysToFreeze</c>: consecutive failed days after which the product is frozen; default 5.</summary>
    public int FailedDaysToFreeze { get; set; } = 5;

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Schedule) || Schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 6)
            errors.Add("DialTests:Schedule must be a six-field cron expression (seconds first), e.g. 0 0 9,15 * * *.");
        try
        {
            _ = Zone;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            errors.Add($"DialTests:TimeZone '{TimeZone}' is not a known time zone (use an IANA id such as Asia/Shanghai).");
        }

        if (FailedDaysToFreeze < 1) errors.Add("DialTests:FailedDaysToFreeze must be at least 1.");
        return errors;
    }
}

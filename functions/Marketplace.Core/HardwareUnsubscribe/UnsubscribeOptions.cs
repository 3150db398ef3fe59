namespace Marketplace.Core.HardwareUnsubscribe;

/// <summary>
/// Settings of the hardware unsubscribe (configuration section <c>Unsubscribe</c>, e.g.
/// <c>Unsubscribe:SellerReviewWindow = 10.00:00:00</c>); the natural year is cut in <c>Billing:TimeZone</c>.
/// Tests shrink the windows to seconds.
/// </summary>
public sealed class UnsubscribeOptions
{
    public const string SectionName = "Unsubscribe";
    public const string DefaultTimeZone = "Asia/Shanghai";

    /// <summary>P43: the seller handles an application within 10 days, else the buyer may appeal.</summary>
    public TimeSpan SellerReviewWindow { get; set; } = TimeSpan.FromDays(10);

    /// <summary>P43: the buyer enters the return shipment within 10 days of the approval, else it is treated as withdrawn.</summary>
    public TimeSpan ReturnWindow { get; set; } = TimeSpan.FromDays(10);

    /// <summary>Seed 000: 10 unsubscribe applications per account per natural year while supervision is incomplete.</summary>
    public int YearlyQuota { get; set; } = 10;

    /// <summary>IANA zone whose natural year the quota counts in; the host binds it from <c>Billing:TimeZone</c>.</summary>
    public string TimeZone { get; set; } = DefaultTimeZone;

    public TimeZoneInfo ResolveTimeZone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>Problems with the values, naming the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (SellerReviewWindow <= TimeSpan.Zero) problems.Add("Unsubscribe:SellerReviewWindow must be positive.");
        if (ReturnWindow <= TimeSpan.Zero) problems.Add("Unsubscribe:ReturnWindow must be positive.");
        if (YearlyQuota < 1) problems.Add("Unsubscribe:YearlyQuota must be at least 1.");
        try
        {
            ResolveTimeZone();
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            problems.Add($"Billing:TimeZone '{TimeZone}' is not a time zone known to this system (e.g. {DefaultTimeZone}).");
        }
        return problems;
    }
}

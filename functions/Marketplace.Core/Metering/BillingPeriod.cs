namespace Marketplace.Core.Metering;

/// <summary>How often an on-demand product is billed (the product's <c>usageBilling</c>): one bill per hour or per day.</summary>
public enum BillingGranularity
{
    Hour,
    Day,
}

/// <summary>
/// One billing period, cut in the billing time zone: [<see cref="StartUtc"/>, <see cref="EndUtc"/>).
/// <see cref="BillingDay"/> is the local calendar day the period lies in; <see cref="Label"/> is the local start,
/// e.g. <c>2026-11-22T13</c> (hour) or <c>2026-11-22</c> (day). An hour that occurs twice on a daylight-saving
/// change carries its UTC offset in the label (<c>2026-10-25T02+02:00</c>, <c>2026-10-25T02+01:00</c>) so labels stay unique.
/// </summary>
public sealed record BillingPeriod(
    BillingGranularity Granularity,
    DateTimeOffset StartUtc,
    DateTimeOffset EndUtc,
    DateOnly BillingDay,
    string Label)
{
    public TimeSpan Length => EndUtc - StartUtc;

    public bool Contains(DateTimeOffset instant) => instant >= StartUtc && instant < EndUtc;

    public override string ToString() => $"{Granularity} {Label} [{StartUtc:u}, {EndUtc:u})";
}

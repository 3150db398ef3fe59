using System.Globalization;

namespace Marketplace.Core.Metering;

/// <summary>
/// The billing calendar: which period a record belongs to, when each period is sealed, and which periods a run must seal.
/// Periods are cut in the billing time zone (<see cref="MeteringOptions.TimeZone"/>) and handle daylight-saving changes:
/// an hourly period is the 60 minutes from a local full hour; a daily period runs from local midnight to the next local
/// midnight (23 or 25 hours on a change day).
/// A period is due for sealing at its run time: hourly, <see cref="MeteringOptions.HourlyRunMinute"/> minutes after its end
/// (the HH:15 run seals the previous hour); daily, at <see cref="MeteringOptions.DailyRunAt"/> local time on the next day
/// (the 01:00 run seals the previous day).
/// </summary>
public static class BillingPeriods
{
    /// <summary>The period that contains <paramref name="instant"/> (for a record: its <c>begin_time</c>).</summary>
    public static BillingPeriod PeriodOf(DateTimeOffset instant, BillingGranularity granularity, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var utc = instant.ToUniversalTime();
        var local = TimeZoneInfo.ConvertTime(utc, zone);
        switch (granularity)
        {
            case BillingGranularity.Hour:
            {
                var intoHour = TimeSpan.FromTicks(local.DateTime.Ticks % TimeSpan.TicksPerHour);
                var start = utc - intoHour;
                var localStart = TimeZoneInfo.ConvertTime(start, zone);
                var label = localStart.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture);
                if (zone.IsAmbiguousTime(localStart))
                {
                    label += localStart.ToString("zzz", CultureInfo.InvariantCulture);
                }

                return new BillingPeriod(granularity, start, start.AddHours(1), DateOnly.FromDateTime(localStart.DateTime), label);
            }

            case BillingGranularity.Day:
            {
                var day = DateOnly.FromDateTime(local.DateTime);
                var start = LocalToUtc(day.ToDateTime(TimeOnly.MinValue), zone);
                var end = LocalToUtc(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
                return new BillingPeriod(granularity, start, end, day, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(granularity), granularity, "Unknown billing granularity.");
        }
    }

    /// <summary>The period right after <paramref name="period"/>.</summary>
    public static BillingPeriod Next(BillingPeriod period, TimeZoneInfo zone) =>
        PeriodOf(period.EndUtc, period.Granularity, zone);

    /// <summary>When the run that seals <paramref name="period"/> takes place.</summary>
    public static DateTimeOffset RunTimeOf(BillingPeriod period, MeteringOptions options, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(options);
        return period.Granularity switch
        {
            BillingGranularity.Hour => period.EndUtc.AddMinutes(options.HourlyRunMinute),
            _ => LocalToUtc(period.BillingDay.AddDays(1).ToDateTime(TimeOnly.MinValue) + options.DailyRunAt, zone),
        };
    }

    /// <summary>
    /// The periods a run at <paramref name="now"/> must seal, oldest first: every period that starts at or after
    /// <paramref name="lastSealedPeriodEnd"/> and whose run time is at or before <paramref name="now"/>. After downtime this
    /// is every period missed; right after a run it is empty. Without a previous run, it starts with the period containing
    /// <c>now - MaxRecordAge</c> (no accepted record can begin earlier). A <paramref name="lastSealedPeriodEnd"/> inside a
    /// period (the time zone setting changed) skips that period; its unsealed records are then billed late.
    /// </summary>
    public static IReadOnlyList<BillingPeriod> ClosedPeriodsDue(
        DateTimeOffset? lastSealedPeriodEnd, DateTimeOffset now, BillingGranularity granularity, MeteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var zone = options.ResolveTimeZone();
        now = now.ToUniversalTime();
        BillingPeriod period;
        if (lastSealedPeriodEnd is { } sealedThrough)
        {
            period = PeriodOf(sealedThrough, granularity, zone);
            if (period.StartUtc < sealedThrough)
            {
                period = Next(period, zone);
            }
        }
        else
        {
            period = PeriodOf(now - options.MaxRecordAge, granularity, zone);
        }

        var due = new List<BillingPeriod>();
        while (RunTimeOf(period, options, zone) <= now)
        {
            due.Add(period);
            period = Next(period, zone);
        }

        return due;
    }

    /// <summary>The first run strictly after <paramref name="now"/>: the next local HH:15 (hourly) or 01:00 (daily).</summary>
    public static DateTimeOffset NextRunAfter(DateTimeOffset now, BillingGranularity granularity, MeteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var zone = options.ResolveTimeZone();
        now = now.ToUniversalTime();
        var current = PeriodOf(now, granularity, zone);
        if (granularity == BillingGranularity.Hour)
        {
            // The run that seals the previous hour happens HourlyRunMinute minutes into the current one.
            var inThisHour = current.StartUtc.AddMinutes(options.HourlyRunMinute);
            return inThisHour > now ? inThisHour : current.EndUtc.AddMinutes(options.HourlyRunMinute);
        }

        var today = LocalToUtc(current.BillingDay.ToDateTime(TimeOnly.MinValue) + options.DailyRunAt, zone);
        return today > now ? today : LocalToUtc(current.BillingDay.AddDays(1).ToDateTime(TimeOnly.MinValue) + options.DailyRunAt, zone);
    }

    /// <summary>
    /// The instant of a local wall-clock time in <paramref name="zone"/>. A time skipped by a daylight-saving change moves
    /// forward by the length of the gap (02:30 on a 02:00→03:00 day is 03:30); a time that occurs twice is its first occurrence.
    /// </summary>
    public static DateTimeOffset LocalToUtc(DateTime localTime, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = DateTime.SpecifyKind(localTime, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
        {
            // The offset in force just before the gap: a gap is never longer than a day.
            offset = zone.GetUtcOffset(local.AddDays(-1));
        }
        else if (zone.IsAmbiguousTime(local))
        {
            offset = zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(DateTime.SpecifyKind(local - offset, DateTimeKind.Utc));
    }
}

using Marketplace.Core.Metering;
using static Marketplace.Core.Tests.Metering.MeteringFixture;

namespace Marketplace.Core.Tests.Metering;

public class BillingPeriodsTests
{
    [Fact]
    public void Daily_period_of_a_record_follows_Shanghai_not_UTC_across_the_day_boundary()
    {
        // 2026-11-21T16:30Z is 2026-11-22 00:30 in Shanghai.
        var period = BillingPeriods.PeriodOf(Utc(2026, 11, 21, 16, 30), BillingGranularity.Day, Shanghai);

        Assert.Equal("2026-11-22", period.Label);
        Assert.Equal(new DateOnly(2026, 11, 22), period.BillingDay);
        Assert.Equal(Utc(2026, 11, 21, 16), period.StartUtc);
        Assert.Equal(Utc(2026, 11, 22, 16), period.EndUtc);
    }

    [Fact]
    public void Daily_period_one_second_before_Shanghai_midnight_is_the_previous_day()
    {
        var period = BillingPeriods.PeriodOf(Utc(2026, 11, 21, 15, 59, 59), BillingGranularity.Day, Shanghai);

        Assert.Equal("2026-11-21", period.Label);
        Assert.Equal(Utc(2026, 11, 21, 16), period.EndUtc);
    }

    [Fact]
    public void Hourly_period_is_the_local_hour_and_labelled_in_local_time()
    {
        var period = BillingPeriods.PeriodOf(Utc(2026, 11, 22, 5, 25), BillingGranularity.Hour, Shanghai);

        Assert.Equal("2026-11-22T13", period.Label);
        Assert.Equal(Utc(2026, 11, 22, 5), period.StartUtc);
        Assert.Equal(Utc(2026, 11, 22, 6), period.EndUtc);
        Assert.True(period.Contains(Utc(2026, 11, 22, 5)));
        Assert.False(period.Contains(Utc(2026, 11, 22, 6)));
    }

    [Fact]
    public void Hourly_period_of_a_record_starting_at_Shanghai_midnight_belongs_to_the_new_day()
    {
        var period = BillingPeriods.PeriodOf(Utc(2026, 11, 21, 16), BillingGranularity.Hour, Shanghai);

        Assert.Equal("2026-11-22T00", period.Label);
        Assert.Equal(new DateOnly(2026, 11, 22), period.BillingDay);
    }

    [Fact]
    public void Hourly_periods_in_a_half_hour_zone_start_on_the_local_hour()
    {
        var kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var period = BillingPeriods.PeriodOf(Utc(2026, 3, 29, 1, 10), BillingGranularity.Hour, kolkata);

        Assert.Equal(Utc(2026, 3, 29, 0, 30), period.StartUtc);
        Assert.Equal("2026-03-29T06", period.Label);
    }

    [Fact]
    public void Berlin_spring_forward_day_has_23_hourly_periods_and_skips_local_02()
    {
        var day = BillingPeriods.PeriodOf(Utc(2026, 3, 29, 12), BillingGranularity.Day, Berlin);
        Assert.Equal(TimeSpan.FromHours(23), day.Length);
        Assert.Equal(Utc(2026, 3, 28, 23), day.StartUtc);

        var hours = HoursOf(day, Berlin);

        Assert.Equal(23, hours.Count);
        Assert.Equal(["2026-03-29T00", "2026-03-29T01", "2026-03-29T03"], hours.Take(3).Select(h => h.Label));
        Assert.All(hours, h => Assert.Equal(TimeSpan.FromHours(1), h.Length));
        Assert.All(hours, h => Assert.Equal(day.BillingDay, h.BillingDay));
    }

    [Fact]
    public void Berlin_fall_back_day_has_25_hourly_periods_with_unique_labels()
    {
        var day = BillingPeriods.PeriodOf(Utc(2026, 10, 25, 12), BillingGranularity.Day, Berlin);
        Assert.Equal(TimeSpan.FromHours(25), day.Length);

        var hours = HoursOf(day, Berlin);

        Assert.Equal(25, hours.Count);
        Assert.Equal(25, hours.Select(h => h.Label).Distinct().Count());
        Assert.Contains(hours, h => h.Label == "2026-10-25T02+02:00" && h.StartUtc == Utc(2026, 10, 25, 0));
        Assert.Contains(hours, h => h.Label == "2026-10-25T02+01:00" && h.StartUtc == Utc(2026, 10, 25, 1));
    }

    [Fact]
    public void A_day_whose_midnight_does_not_exist_starts_at_the_first_local_instant()
    {
        // Chile moves 00:00 → 01:00 on 2026-09-06.
        var santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        var day = BillingPeriods.PeriodOf(Utc(2026, 9, 6, 12), BillingGranularity.Day, santiago);
        var before = BillingPeriods.PeriodOf(Utc(2026, 9, 5, 12), BillingGranularity.Day, santiago);

        Assert.Equal(Utc(2026, 9, 6, 4), day.StartUtc);
        Assert.Equal(before.EndUtc, day.StartUtc);
        Assert.Equal(TimeSpan.FromHours(23), day.Length);
    }

    [Fact]
    public void Local_time_in_a_gap_moves_forward_and_a_repeated_time_takes_its_first_occurrence()
    {
        Assert.Equal(Utc(2026, 3, 29, 1, 30), BillingPeriods.LocalToUtc(new DateTime(2026, 3, 29, 2, 30, 0), Berlin));
        Assert.Equal(Utc(2026, 10, 25, 0, 30), BillingPeriods.LocalToUtc(new DateTime(2026, 10, 25, 2, 30, 0), Berlin));
        Assert.Equal(Utc(2026, 11, 21, 17), BillingPeriods.LocalToUtc(new DateTime(2026, 11, 22, 1, 0, 0), Shanghai));
    }

    [Fact]
    public void Consecutive_periods_tile_time_without_gaps_or_overlaps()
    {
        foreach (var zone in new[] { Shanghai, Berlin })
        {
            foreach (var granularity in new[] { BillingGranularity.Hour, BillingGranularity.Day })
            {
                var period = BillingPeriods.PeriodOf(Utc(2026, 3, 20, 0), granularity, zone);
                for (var i = 0; i < 24 * 40 && period.StartUtc < Utc(2026, 11, 1, 0); i++)
                {
                    var next = BillingPeriods.Next(period, zone);
                    Assert.Equal(period.EndUtc, next.StartUtc);
                    Assert.True(next.EndUtc > next.StartUtc);
                    Assert.Equal(next, BillingPeriods.PeriodOf(next.StartUtc, granularity, zone));
                    Assert.Equal(next, BillingPeriods.PeriodOf(next.EndUtc.AddTicks(-1), granularity, zone));
                    period = next;
                }
            }
        }
    }

    [Fact]
    public void Run_times_are_HH15_for_hours_and_0100_local_next_day_for_days()
    {
        var options = Options();
        var hour = BillingPeriods.PeriodOf(Utc(2026, 11, 22, 5, 25), BillingGranularity.Hour, Shanghai);
        var day = BillingPeriods.PeriodOf(Utc(2026, 11, 22, 5, 25), BillingGranularity.Day, Shanghai);

        Assert.Equal(Utc(2026, 11, 22, 6, 15), BillingPeriods.RunTimeOf(hour, options, Shanghai));
        Assert.Equal(Utc(2026, 11, 22, 17), BillingPeriods.RunTimeOf(day, options, Shanghai)); // 2026-11-23 01:00 +08
    }

    [Fact]
    public void Hourly_run_at_HH15_seals_the_previous_hour_and_not_before()
    {
        var options = Options();
        var sealedThrough = Utc(2026, 11, 22, 5); // 13:00 Shanghai

        Assert.Empty(BillingPeriods.ClosedPeriodsDue(sealedThrough, Utc(2026, 11, 22, 6, 14, 59), BillingGranularity.Hour, options));

        var due = BillingPeriods.ClosedPeriodsDue(sealedThrough, Utc(2026, 11, 22, 6, 15), BillingGranularity.Hour, options);

        var period = Assert.Single(due);
        Assert.Equal("2026-11-22T13", period.Label);
    }

    [Fact]
    public void Hourly_run_after_downtime_catches_up_every_missed_hour_oldest_first()
    {
        var options = Options();
        var due = BillingPeriods.ClosedPeriodsDue(Utc(2026, 11, 22, 2), Utc(2026, 11, 22, 6, 20), BillingGranularity.Hour, options);

        Assert.Equal(["2026-11-22T10", "2026-11-22T11", "2026-11-22T12", "2026-11-22T13"], due.Select(p => p.Label));
    }

    [Fact]
    public void Daily_run_at_0100_local_seals_the_previous_day()
    {
        var options = Options();
        var sealedThrough = Utc(2026, 11, 21, 16); // 2026-11-22 00:00 Shanghai

        Assert.Empty(BillingPeriods.ClosedPeriodsDue(sealedThrough, Utc(2026, 11, 22, 16, 59), BillingGranularity.Day, options));
        var period = Assert.Single(BillingPeriods.ClosedPeriodsDue(sealedThrough, Utc(2026, 11, 22, 17), BillingGranularity.Day, options));
        Assert.Equal("2026-11-22", period.Label);
    }

    [Fact]
    public void Daily_run_after_three_days_of_downtime_seals_three_days()
    {
        var due = BillingPeriods.ClosedPeriodsDue(Utc(2026, 11, 19, 16), Utc(2026, 11, 22, 17, 30), BillingGranularity.Day, Options());

        Assert.Equal(["2026-11-20", "2026-11-21", "2026-11-22"], due.Select(p => p.Label));
    }

    [Fact]
    public void First_run_ever_starts_with_the_period_of_now_minus_the_record_age_limit()
    {
        var options = Options();
        var now = Utc(2026, 11, 22, 6, 20);
        var due = BillingPeriods.ClosedPeriodsDue(null, now, BillingGranularity.Hour, options);

        Assert.Equal(Utc(2026, 11, 1, 6), due[0].StartUtc);
        Assert.Equal(Utc(2026, 11, 22, 6), due[^1].EndUtc);
        Assert.Equal(21 * 24, due.Count);
    }

    [Fact]
    public void A_seal_mark_inside_a_period_skips_that_period()
    {
        var due = BillingPeriods.ClosedPeriodsDue(Utc(2026, 11, 22, 4, 30), Utc(2026, 11, 22, 6, 20), BillingGranularity.Hour, Options());

        Assert.Equal(["2026-11-22T13"], due.Select(p => p.Label));
    }

    [Fact]
    public void Hourly_runs_in_Berlin_across_the_fall_back_change_seal_both_repeated_hours()
    {
        var options = Options("Europe/Berlin");
        var due = BillingPeriods.ClosedPeriodsDue(Utc(2026, 10, 24, 23), Utc(2026, 10, 25, 2, 15), BillingGranularity.Hour, options);

        Assert.Equal(["2026-10-25T01", "2026-10-25T02+02:00", "2026-10-25T02+01:00"], due.Select(p => p.Label));
    }

    [Theory]
    [InlineData("2026-11-22T05:10:00Z", "2026-11-22T05:15:00Z")]
    [InlineData("2026-11-22T05:15:00Z", "2026-11-22T06:15:00Z")]
    [InlineData("2026-11-22T05:20:00Z", "2026-11-22T06:15:00Z")]
    [InlineData("2026-11-22T15:59:00Z", "2026-11-22T16:15:00Z")]
    public void Next_hourly_run_is_the_next_HH15(string now, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            BillingPeriods.NextRunAfter(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), BillingGranularity.Hour, Options()));
    }

    [Theory]
    [InlineData("2026-11-22T16:30:00Z", "2026-11-22T17:00:00Z")] // 00:30 local → 01:00 today
    [InlineData("2026-11-22T17:00:00Z", "2026-11-23T17:00:00Z")] // exactly 01:00 → tomorrow
    [InlineData("2026-11-22T06:00:00Z", "2026-11-22T17:00:00Z")] // 14:00 local → 01:00 tomorrow
    public void Next_daily_run_is_the_next_0100_Shanghai(string now, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            BillingPeriods.NextRunAfter(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), BillingGranularity.Day, Options()));
    }

    [Fact]
    public void Next_hourly_run_in_Berlin_during_the_repeated_hour()
    {
        // 00:20Z = 02:20 CEST; the next HH:15 is 02:15 CET = 01:15Z.
        Assert.Equal(Utc(2026, 10, 25, 1, 15), BillingPeriods.NextRunAfter(Utc(2026, 10, 25, 0, 20), BillingGranularity.Hour, Options("Europe/Berlin")));
    }

    [Fact]
    public void Next_daily_run_set_inside_a_DST_gap_moves_forward_by_the_gap()
    {
        var options = Options("Europe/Berlin");
        options.DailyRunAt = new TimeSpan(2, 30, 0);

        // 2026-03-29 02:30 does not exist in Berlin: the run happens at 03:30 CEST = 01:30Z.
        Assert.Equal(Utc(2026, 3, 29, 1, 30), BillingPeriods.NextRunAfter(Utc(2026, 3, 28, 23, 30), BillingGranularity.Day, options));
    }

    [Fact]
    public void Run_minute_is_configurable()
    {
        var options = Options();
        options.HourlyRunMinute = 5;

        Assert.Equal(Utc(2026, 11, 22, 6, 5), BillingPeriods.NextRunAfter(Utc(2026, 11, 22, 5, 10), BillingGranularity.Hour, options));
    }

    private static List<BillingPeriod> HoursOf(BillingPeriod day, TimeZoneInfo zone)
    {
        var hours = new List<BillingPeriod>();
        var hour = BillingPeriods.PeriodOf(day.StartUtc, BillingGranularity.Hour, zone);
        while (hour.StartUtc < day.EndUtc)
        {
            hours.Add(hour);
            hour = BillingPeriods.Next(hour, zone);
        }

        return hours;
    }
}

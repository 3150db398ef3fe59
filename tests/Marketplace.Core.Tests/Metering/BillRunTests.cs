using Marketplace.Core.Metering;
using static Marketplace.Core.Tests.Metering.MeteringFixture;

namespace Marketplace.Core.Tests.Metering;

public class BillRunTests
{
    private static readonly BillingInstance Hourly1 = new("inst-1", Seller, "buyer-1", BillingGranularity.Hour);
    private static readonly BillingInstance Hourly2 = new("inst-2", Seller, "buyer-2", BillingGranularity.Hour);
    private static readonly BillingInstance Daily = new("inst-d", Seller, "buyer-1", BillingGranularity.Day);

    [Fact]
    public void Run_at_HH15_seals_the_previous_hour_and_leaves_the_current_one()
    {
        var usage = new[]
        {
            new InstanceUsage(Hourly1, [Usage("a", Utc(2026, 11, 22, 5, 10)), Usage("b", Utc(2026, 11, 22, 6, 5))]),
        };

        var result = BillRun.Run(BillingGranularity.Hour, Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6, 15), usage, Options());

        Assert.Equal(["2026-11-22T13"], result.Periods.Select(p => p.Label));
        var bill = Assert.Single(result.Bills);
        Assert.Equal(["a"], bill.Records.Select(r => r.Record.MeteringSn));
        Assert.Equal(Utc(2026, 11, 22, 6), result.SealedThrough);
    }

    [Fact]
    public void Before_HH15_nothing_is_sealed()
    {
        var usage = new[] { new InstanceUsage(Hourly1, [Usage("a", Utc(2026, 11, 22, 5, 10))]) };

        var result = BillRun.Run(BillingGranularity.Hour, Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6, 14), usage, Options());

        Assert.Empty(result.Periods);
        Assert.Empty(result.Bills);
        Assert.Equal(Utc(2026, 11, 22, 5), result.SealedThrough);
    }

    [Fact]
    public void Running_twice_seals_nothing_twice()
    {
        var usage = new[] { new InstanceUsage(Hourly1, [Usage("a", Utc(2026, 11, 22, 5, 10))]) };
        var first = BillRun.Run(BillingGranularity.Hour, Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6, 15), usage, Options());

        var second = BillRun.Run(BillingGranularity.Hour, first.SealedThrough, Utc(2026, 11, 22, 6, 40), usage, Options());

        Assert.Single(first.Bills);
        Assert.Empty(second.Bills);
        Assert.Equal(first.SealedThrough, second.SealedThrough);
    }

    [Fact]
    public void A_late_record_is_billed_in_the_next_period_and_flagged()
    {
        // 13:00–14:00 Shanghai was sealed at 14:15; a record for 13:30 arrives at 14:20.
        var late = Usage("late", Utc(2026, 11, 22, 5, 30), value: 4m);
        var onTime = Usage("on-time", Utc(2026, 11, 22, 6, 10), value: 1m);
        var usage = new[] { new InstanceUsage(Hourly1, [late, onTime]) };

        var result = BillRun.Run(BillingGranularity.Hour, Utc(2026, 11, 22, 6), Utc(2026, 11, 22, 7, 15), usage, Options());

        var bill = Assert.Single(result.Bills);
        Assert.Equal("2026-11-22T14", bill.Bill.PeriodLabel);
        Assert.Equal((2, 1, 5m), (bill.Bill.RecordCount, bill.Bill.LateRecordCount, bill.Bill.UsageTotal));
        Assert.Equal([("late", true), ("on-time", false)], bill.Records.Select(r => (r.Record.MeteringSn, r.Late)));
    }

    [Fact]
    public void Only_late_records_still_make_a_bill_in_the_next_period()
    {
        var usage = new[] { new InstanceUsage(Hourly1, [Usage("late", Utc(2026, 11, 22, 5, 30))]) };

        var result = BillRun.Run(BillingGranularity.Hour, Utc(2026, 11, 22, 6), Utc(2026, 11, 22, 7, 15), usage, Options());

        var bill = Assert.Single(result.Bills);
        Assert.Equal((1, 1), (bill.Bill.RecordCount, bill.Bill.LateRecordCount));
    }

    [Fact]
    public void Catch_up_after_downtime_bills_each_missed_period_with_its_own_records_not_late()
    {
        var records = new[]
        {
            Usage("h10", Utc(2026, 11, 22, 2, 5)), Usage("h11", Utc(2026, 11, 22, 3, 5)), Usage("h12", Utc(2026, 11, 22, 4, 5)),
            Usage("h12b", Utc(2026, 11, 22, 4, 35)), Usage("h14", Utc(2026, 11, 22, 6, 5)),
        };

        var result = BillRun.Run(BillingGranularity.Hour, Utc(2026, 11, 22, 2), Utc(2026, 11, 22, 6, 20), [new InstanceUsage(Hourly1, records)], Options());

        Assert.Equal(["2026-11-22T10", "2026-11-22T11", "2026-11-22T12", "2026-11-22T13"], result.Periods.Select(p => p.Label));
        Assert.Equal(
            [("2026-11-22T10", 1), ("2026-11-22T11", 1), ("2026-11-22T12", 2)],
            result.Bills.Select(b => (b.Bill.PeriodLabel, b.Bill.RecordCount)));
        Assert.All(result.Bills, b => Assert.Equal(0, b.Bill.LateRecordCount));
        Assert.Equal(Utc(2026, 11, 22, 6), result.SealedThrough);
    }

    [Fact]
    public void Records_older_than_the_first_due_period_are_late_in_it()
    {
        var records = new[] { Usage("old", Utc(2026, 11, 22, 1, 5)), Usage("h10", Utc(2026, 11, 22, 2, 5)), Usage("h11", Utc(2026, 11, 22, 3, 5)) };

        var result = BillRun.Run(BillingGranularity.Hour, Utc(2026, 11, 22, 2), Utc(2026, 11, 22, 4, 15), [new InstanceUsage(Hourly1, records)], Options());

        Assert.Equal(
            [("2026-11-22T10", "h10", false), ("2026-11-22T10", "old", true), ("2026-11-22T11", "h11", false)],
            result.Bills.SelectMany(b => b.Records.Select(r => (b.Bill.PeriodLabel, r.Record.MeteringSn, r.Late))).OrderBy(x => x.PeriodLabel).ThenBy(x => x.MeteringSn));
    }

    [Fact]
    public void Bills_are_ordered_by_period_then_instance_and_only_this_granularity_is_billed()
    {
        var usage = new[]
        {
            new InstanceUsage(Hourly2, [Usage("b1", Utc(2026, 11, 22, 4, 5), instance: "inst-2"), Usage("b2", Utc(2026, 11, 22, 5, 5), instance: "inst-2")]),
            new InstanceUsage(Daily, [Usage("d", Utc(2026, 11, 22, 4, 5), instance: "inst-d")]),
            new InstanceUsage(Hourly1, [Usage("a1", Utc(2026, 11, 22, 4, 5)), Usage("a2", Utc(2026, 11, 22, 5, 5))]),
        };

        var result = BillRun.Run(BillingGranularity.Hour, Utc(2026, 11, 22, 4), Utc(2026, 11, 22, 6, 15), usage, Options());

        Assert.Equal(
            [("2026-11-22T12", "inst-1"), ("2026-11-22T12", "inst-2"), ("2026-11-22T13", "inst-1"), ("2026-11-22T13", "inst-2")],
            result.Bills.Select(b => (b.Bill.PeriodLabel, b.Bill.InstanceId)));
    }

    [Fact]
    public void Daily_bill_of_a_record_beginning_at_0030_Shanghai_is_the_bill_of_that_Shanghai_day()
    {
        // 2026-11-21T16:30Z is 2026-11-22 00:30 in Shanghai.
        var usage = new[] { new InstanceUsage(Daily, [Usage("d", Utc(2026, 11, 21, 16, 30), instance: "inst-d", value: 7m)]) };

        var before = BillRun.Run(BillingGranularity.Day, Utc(2026, 11, 21, 16), Utc(2026, 11, 22, 16, 59), usage, Options());
        var at0100 = BillRun.Run(BillingGranularity.Day, Utc(2026, 11, 21, 16), Utc(2026, 11, 22, 17), usage, Options());

        Assert.Empty(before.Bills);
        var bill = Assert.Single(at0100.Bills).Bill;
        Assert.Equal("2026-11-22", bill.PeriodLabel);
        Assert.Equal((Utc(2026, 11, 21, 16), Utc(2026, 11, 22, 16)), (bill.PeriodStart, bill.PeriodEnd));
        Assert.Equal(7m, bill.UsageTotal);
        Assert.Equal(Utc(2026, 11, 22, 17), bill.SealedAt);
    }

    [Fact]
    public void Hourly_bills_in_Berlin_on_the_fall_back_night_are_distinct()
    {
        var usage = new[] { new InstanceUsage(Hourly1, [Usage("first-2am", Utc(2026, 10, 25, 0, 10)), Usage("second-2am", Utc(2026, 10, 25, 1, 10))]) };

        var result = BillRun.Run(BillingGranularity.Hour, Utc(2026, 10, 25, 0), Utc(2026, 10, 25, 2, 15), usage, Options("Europe/Berlin"));

        Assert.Equal(["2026-10-25T02+02:00", "2026-10-25T02+01:00"], result.Bills.Select(b => b.Bill.PeriodLabel));
        Assert.Equal(2, result.Bills.Select(b => b.Bill.BillId).Distinct().Count());
    }

    [Fact]
    public void Runs_are_deterministic()
    {
        var usage = new[] { new InstanceUsage(Hourly1, [Usage("a", Utc(2026, 11, 22, 5, 10)), Usage("late", Utc(2026, 11, 22, 3, 10))]) };

        var one = BillRun.Run(BillingGranularity.Hour, Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6, 15), usage, Options());
        var two = BillRun.Run(BillingGranularity.Hour, Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6, 15), usage, Options());

        Assert.Equal(one.Bills.Select(b => b.Bill), two.Bills.Select(b => b.Bill));
    }
}

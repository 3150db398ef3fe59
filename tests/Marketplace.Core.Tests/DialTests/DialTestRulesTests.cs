using Marketplace.Core.DialTests;

namespace Marketplace.Core.Tests.DialTests;

public class DialTestRulesTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private int _run;

    private (DialTestRecord? State, bool Frozen) Record(DialTestRecord? state, string day, bool passed, int threshold = 5)
    {
        var decision = DialTestRules.Record(state, new DialTestResultMessage("PD1", "SL1", day, passed, "run-" + ++_run), threshold, T0);
        Assert.False(decision.IsRejected);
        return (decision.Events.Aggregate(state, DialTestRules.Apply), decision.Events.OfType<DialTestFreezeTriggered>().Any());
    }

    [Fact]
    public void Five_consecutive_failed_days_trigger_the_freeze_on_the_fifth()
    {
        DialTestRecord? s = null;
        for (var d = 1; d <= 4; d++)
        {
            (s, var frozen) = Record(s, $"2025-03-0{d}", false);
            Assert.False(frozen);
            (s, frozen) = Record(s, $"2025-03-0{d}", false); // the afternoon run
            Assert.False(frozen);
        }

        Assert.Equal(4, s!.ConsecutiveFailedDays);
        var (after, freeze) = Record(s, "2025-03-05", false);
        Assert.True(freeze);
        Assert.Equal(5, after!.ConsecutiveFailedDays);
    }

    [Fact]
    public void A_passed_run_saves_its_day_and_a_day_without_runs_breaks_the_row()
    {
        DialTestRecord? s = null;
        (s, _) = Record(s, "2025-03-01", false);
        (s, _) = Record(s, "2025-03-02", false);
        (s, _) = Record(s, "2025-03-02", true); // the afternoon passed: the day passed
        (s, _) = Record(s, "2025-03-03", false);
        Assert.Equal(1, s!.ConsecutiveFailedDays);
        (s, _) = Record(s, "2025-03-05", false); // nothing on the 4th
        Assert.Equal(1, s!.ConsecutiveFailedDays);
        Assert.Equal(1, DialTestRules.Streak([new("2025-03-01", false, 1), new("2025-03-03", false, 1)]));
        Assert.Equal(0, DialTestRules.Streak([new("2025-03-01", false, 1), new("2025-03-02", true, 2)]));
    }

    [Fact]
    public void Results_arriving_out_of_order_or_twice_count_once()
    {
        DialTestRecord? s = null;
        var freezes = 0;
        foreach (var day in new[] { "2025-03-05", "2025-03-01", "2025-03-03", "2025-03-02", "2025-03-04" })
        {
            (s, var frozen) = Record(s, day, false);
            freezes += frozen ? 1 : 0;
        }

        Assert.Equal(1, freezes);
        var message = new DialTestResultMessage("PD1", "SL1", "2025-03-05", true, "run-1");
        Assert.Empty(DialTestRules.Record(s, message, 5, T0).Events); // run-1 was recorded already
        Assert.Equal("validation.failed", DialTestRules.Record(s, message with { RunId = "x", Day = "5 March" }, 5, T0).Error!.Code);
    }
}

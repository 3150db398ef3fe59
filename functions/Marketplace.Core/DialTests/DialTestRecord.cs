using System.Globalization;
using Marketplace.Core.Common;

namespace Marketplace.Core.DialTests;

/// <summary>A day of scheduled dial tests: it failed when it had runs and none of them passed.</summary>
public sealed record DialTestDay(string Day, bool Passed, int Runs);

/// <summary>
/// The dial-test history of one product (§7.6: "5 consecutive days of failure → the operations manager freezes trading").
/// Only scheduled runs count. A day fails when every scheduled run of that day failed; the product is frozen as soon as
/// the last <c>DialTests:FailedDaysToFreeze</c> calendar days with runs are consecutive failed days (a day without
/// runs breaks the streak: the platform does not count days it did not test).
/// </summary>
public sealed record DialTestRecord
{
    public required string ProductId { get; init; }
    public required string SellerId { get; init; }
    public IReadOnlyList<DialTestDay> Days { get; init; } = [];
    public IReadOnlyList<string> RecentRuns { get; init; } = [];
    public int ConsecutiveFailedDays { get; init; }
    public DateTimeOffset? FreezeTriggeredAt { get; init; }
}

public abstract record DialTestEvent : IDomainEvent
{
    public abstract string Action { get; }
    public virtual string? Reason => null;
}

public sealed record DialTestDayRecorded(string ProductId, string SellerId, string Day, bool Passed, string RunId, DateTimeOffset At) : DialTestEvent
{
    public override string Action => Passed ? "dialtest.passed" : "dialtest.failed";
}

public sealed record DialTestFreezeTriggered(int ConsecutiveFailedDays, IReadOnlyList<string> Days, DateTimeOffset At) : DialTestEvent
{
    public override string Action => "dialtest.freeze-triggered";
    public override string? Reason => $"dial tests failed on {ConsecutiveFailedDays} consecutive days ({string.Join(", ", Days)})";
}

/// <summary>Outbox: freeze the product (no new orders) and tell ops and the seller.</summary>
public sealed record FreezeProductMessage(string ProductId, string SellerId, string Reason, DateTimeOffset At);

public static class DialTestRules
{
    private const int KeepDays = 14;
    private const int KeepRuns = 40;

    public static DialTestRecord Apply(DialTestRecord? state, DialTestEvent e) => e switch
    {
        DialTestDayRecorded r => Record(state ?? new DialTestRecord { ProductId = r.ProductId, SellerId = r.SellerId }, r),
        DialTestFreezeTriggered f => state! with { FreezeTriggeredAt = f.At },
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    private static DialTestRecord Record(DialTestRecord s, DialTestDayRecorded r)
    {
        var days = s.Days.ToDictionary(d => d.Day, StringComparer.Ordinal);
        days[r.Day] = days.TryGetValue(r.Day, out var d) ? d with { Passed = d.Passed || r.Passed, Runs = d.Runs + 1 } : new DialTestDay(r.Day, r.Passed, 1);
        var kept = days.Values.OrderBy(x => x.Day, StringComparer.Ordinal).TakeLast(KeepDays).ToList();
        return s with
        {
            Days = kept,
            RecentRuns = [.. s.RecentRuns.TakeLast(KeepRuns - 1), r.RunId],
            ConsecutiveFailedDays = Streak(kept),
        };
    }

    /// <summary>Failed days in a row, ending at the latest day with runs; a gap of a calendar day breaks the row.</summary>
    public static int Streak(IReadOnlyList<DialTestDay> days)
    {
        var streak = 0;
        DateOnly? previous = null;
        foreach (var day in days.OrderByDescending(x => x.Day, StringComparer.Ordinal))
        {
            var date = DateOnly.ParseExact(day.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (day.Passed || (previous is { } p && date.AddDays(1) != p)) break;
            streak++;
            previous = date;
        }

        return streak;
    }

    public static Decision<DialTestEvent> Record(DialTestRecord? state, DialTestResultMessage m, int failedDaysToFreeze, DateTimeOffset now)
    {
        if (state is not null && state.RecentRuns.Contains(m.RunId)) return Decision<DialTestEvent>.Accept(); // delivered twice
        if (!DateOnly.TryParseExact(m.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            return DomainError.Invalid("validation.failed", $"'{m.Day}' is not a yyyy-MM-dd day.");
        var recorded = new DialTestDayRecorded(m.ProductId, m.SellerId, m.Day, m.Passed, m.RunId, now);
        var after = Apply(state, recorded);
        if (m.Passed || after.ConsecutiveFailedDays < failedDaysToFreeze) return Decision<DialTestEvent>.Accept(recorded);
        var failedDays = after.Days.OrderByDescending(d => d.Day, StringComparer.Ordinal).Take(after.ConsecutiveFailedDays)
            .Select(d => d.Day).Reverse().ToList();
        return Decision<DialTestEvent>.Accept(recorded, new DialTestFreezeTriggered(after.ConsecutiveFailedDays, failedDays, now));
    }
}

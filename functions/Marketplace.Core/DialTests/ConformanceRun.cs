using Marketplace.Core.Common;

namespace Marketplace.Core.DialTests;

/// <summary>One debug case of a conformance run: what was sent and whether the seller answered it correctly.</summary>
public sealed record ConformanceCase(
    string Name,
    string Activity,
    bool Passed,
    string RequestBody,
    int? HttpStatus,
    string? ResultCode,
    string? ResultMsg,
    string? Error,
    long LatencyMs);

/// <summary>
/// A conformance run (dial test, §7.6): the debug cases (<c>testFlag</c> "1", the mock orders of §7.5) for every activity a
/// product needs, sent to its seller's production URL, with the report. Started by the seller or by the timer.
/// </summary>
public sealed record ConformanceRun
{
    public required string RunId { get; init; }
    public required string ProductId { get; init; }
    public required string SellerId { get; init; }

    /// <summary><c>seller</c> (started by hand) or <c>schedule</c> (the dial-test timer; only these count towards freezing).</summary>
    public required string Trigger { get; init; }

    /// <summary>The day the run counts for, <c>yyyy-MM-dd</c> in <c>DialTests:TimeZone</c>.</summary>
    public required string Day { get; init; }

    public required string MockOrderId { get; init; }
    public required IReadOnlyList<string> Activities { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary><c>running</c>, <c>passed</c> or <c>failed</c>.</summary>
    public string Status { get; init; } = "running";

    public IReadOnlyList<ConformanceCase> Cases { get; init; } = [];
    public DateTimeOffset? CompletedAt { get; init; }
}

public abstract record ConformanceEvent : IDomainEvent
{
    public abstract string Action { get; }
    public virtual string? Reason => null;
}

public sealed record ConformanceRunStarted(ConformanceRun Run) : ConformanceEvent
{
    public override string Action => "conformance.started";
}

public sealed record ConformanceRunCompleted(IReadOnlyList<ConformanceCase> Cases, bool Passed, DateTimeOffset At) : ConformanceEvent
{
    public override string Action => Passed ? "conformance.passed" : "conformance.failed";
}

/// <summary>Outbox: run the cases of a started run.</summary>
public sealed record ConformanceRunMessage(string RunId);

/// <summary>Outbox: a scheduled run finished; its day's result goes to the product's dial-test record.</summary>
public sealed record DialTestResultMessage(string ProductId, string SellerId, string Day, bool Passed, string RunId);

public static class ConformanceRules
{
    public static ConformanceRun Apply(ConformanceRun? state, ConformanceEvent e) => e switch
    {
        ConformanceRunStarted s => s.Run,
        ConformanceRunCompleted c => state! with { Status = c.Passed ? "passed" : "failed", Cases = c.Cases, CompletedAt = c.At },
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    public static Decision<ConformanceEvent> Start(ConformanceRun? existing, ConformanceRun run) =>
        existing is null ? Decision<ConformanceEvent>.Accept(new ConformanceRunStarted(run)) : Decision<ConformanceEvent>.Accept();

    public static Decision<ConformanceEvent> Complete(ConformanceRun? run, IReadOnlyList<ConformanceCase> cases, DateTimeOffset now) =>
        run is { Status: "running" }
            ? Decision<ConformanceEvent>.Accept(new ConformanceRunCompleted(cases, cases.Count > 0 && cases.All(c => c.Passed), now))
            : Decision<ConformanceEvent>.Accept();
}

namespace Marketplace.FakeSeller;

/// <summary>How a failing fake seller fails.</summary>
public enum FakeFailure
{
    /// <summary>HTTP 200 with resultCode 000005 ("other inner error").</summary>
    ResultCode000005,
    /// <summary>HTTP 500 with a plain-text body.</summary>
    Http500,
}

public enum FakeScenarioKind
{
    Succeed,
    Fail,
    Timeout,
    InProgressThenAppInfo,
    Garbage,
    DifferentInstanceIdOnRepeat,
    Down,
    ResultCode,
}

/// <summary>
/// How the fake seller answers the requests a scenario applies to (all, one activity, or one orderId). Scenarios that
/// misbehave a limited number of times (<see cref="Times"/>) answer normally afterwards; the count is shared by every
/// request the scenario applies to.
/// </summary>
public sealed class FakeScenario
{
    private int _used;

    private FakeScenario(FakeScenarioKind kind, int times = int.MaxValue)
    {
        Kind = kind;
        Times = times;
    }

    public FakeScenarioKind Kind { get; }

    /// <summary>How many requests misbehave before the seller answers normally.</summary>
    public int Times { get; }

    public FakeFailure Failure { get; private init; }

    public TimeSpan Delay { get; private init; }

    /// <summary>InProgressThenAppInfo: polls (queryInstance or repeated newInstance) answered before the instance is ready.</summary>
    public int NotReadyPolls { get; private init; }

    /// <summary>InProgressThenAppInfo: whether the 000004 answer carries the instanceId.</summary>
    public bool InProgressCarriesInstanceId { get; private init; } = true;

    public string? Code { get; private init; }

    public string? Message { get; private init; }

    /// <summary>Requests the scenario misbehaved for so far.</summary>
    public int Used => Volatile.Read(ref _used);

    /// <summary>Answer normally: create, query, refresh... as a correct, idempotent seller.</summary>
    public static FakeScenario Succeed() => new(FakeScenarioKind.Succeed);

    /// <summary>Fail the first <paramref name="times"/> requests, then answer normally.</summary>
    public static FakeScenario FailTimes(int times, FakeFailure how = FakeFailure.ResultCode000005) =>
        new(FakeScenarioKind.Fail, Positive(times)) { Failure = how };

    /// <summary>Fail every request.</summary>
    public static FakeScenario FailAlways(FakeFailure how = FakeFailure.ResultCode000005) => new(FakeScenarioKind.Fail) { Failure = how };

    /// <summary>
    /// Do the work, then answer only after <paramref name="delay"/> (default 6 s, longer than the platform's 5 s timeout);
    /// the wait ends early when the caller hangs up or the server stops. Like a slow seller whose answer is lost.
    /// </summary>
    public static FakeScenario Timeout(TimeSpan? delay = null, int times = int.MaxValue) =>
        new(FakeScenarioKind.Timeout, Positive(times)) { Delay = delay ?? TimeSpan.FromSeconds(6) };

    /// <summary>newInstance (and upgradeInstance) answer 000004; the instance becomes ready after <paramref name="notReadyPolls"/> more polls.</summary>
    public static FakeScenario InProgressThenAppInfo(int notReadyPolls = 1, bool carryInstanceId = true) =>
        new(FakeScenarioKind.InProgressThenAppInfo)
        {
            NotReadyPolls = notReadyPolls >= 0 ? notReadyPolls : throw new ArgumentOutOfRangeException(nameof(notReadyPolls)),
            InProgressCarriesInstanceId = carryInstanceId,
        };

    /// <summary>Answer HTTP 200 with a body that is not JSON.</summary>
    public static FakeScenario Garbage(int times = int.MaxValue) => new(FakeScenarioKind.Garbage, Positive(times));

    /// <summary>A non-idempotent seller: every newInstance creates a new instance (id = that request's businessId).</summary>
    public static FakeScenario DifferentInstanceIdOnRepeat() => new(FakeScenarioKind.DifferentInstanceIdOnRepeat);

    /// <summary>Answer 503 Service Unavailable, as a gateway in front of a stopped seller does. For connection refused, use <see cref="FakeSellerServer.StopAsync"/>.</summary>
    public static FakeScenario Down(int times = int.MaxValue) => new(FakeScenarioKind.Down, Positive(times));

    /// <summary>Answer HTTP 200 with this result code (e.g. 000100 "no resource").</summary>
    public static FakeScenario ResultCode(string code, int times = int.MaxValue, string? message = null) =>
        new(FakeScenarioKind.ResultCode, Positive(times)) { Code = code, Message = message };

    /// <summary>Takes one misbehaviour if any are left.</summary>
    internal bool TryUse()
    {
        while (true)
        {
            var used = Volatile.Read(ref _used);
            if (used >= Times)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _used, used + 1, used) == used)
            {
                return true;
            }
        }
    }

    private static int Positive(int times) => times > 0 ? times : throw new ArgumentOutOfRangeException(nameof(times));
}

using System.Collections.Concurrent;

namespace Marketplace.Soak;

/// <summary>What the soak counts: operations answered, outcomes lost to a kill, replays, kills and recoveries.</summary>
internal sealed class Figures
{
    private long _operations;
    private long _unknownOutcomes;
    private long _replays;
    private long _inProgressWaits;
    private long _resolvedByRead;
    private long _sellerDowntimes;

    public long Operations => Interlocked.Read(ref _operations);
    public long UnknownOutcomes => Interlocked.Read(ref _unknownOutcomes);
    public long Replays => Interlocked.Read(ref _replays);
    public long InProgressWaits => Interlocked.Read(ref _inProgressWaits);
    public long ResolvedByRead => Interlocked.Read(ref _resolvedByRead);
    public long SellerDowntimes => Interlocked.Read(ref _sellerDowntimes);

    public void Operation() => Interlocked.Increment(ref _operations);
    public void UnknownOutcome() => Interlocked.Increment(ref _unknownOutcomes);
    public void Replay() => Interlocked.Increment(ref _replays);
    public void InProgressWait() => Interlocked.Increment(ref _inProgressWaits);
    public void ResolvedRead() => Interlocked.Increment(ref _resolvedByRead);
    public void SellerDowntime() => Interlocked.Increment(ref _sellerDowntimes);
}

/// <summary>Every broken invariant, by kind, with what showed it.</summary>
internal sealed class Violations
{
    private readonly ConcurrentQueue<(string Kind, string Detail)> _items = new();
    private readonly TextWriter _log;

    public Violations(TextWriter log) => _log = log;

    public int Count => _items.Count;

    public IEnumerable<(string Kind, string Detail)> Items => _items;

    public void Add(string kind, string detail)
    {
        _items.Enqueue((kind, detail));
        lock (_log) _log.WriteLine($"{DateTimeOffset.UtcNow:O} VIOLATION {kind}: {detail}");
    }
}

/// <summary>A flow could not go on: an answer the rules do not allow, or a wait that never ended.</summary>
internal sealed class SoakFailure(string message) : Exception(message);

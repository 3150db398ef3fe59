using System.Diagnostics;

namespace Marketplace.Core.SellerCalls;

/// <summary>
/// Where the worker's time goes, summed over every attempt in this process: loading the call and the seller, signing,
/// sending (waiting for the seller), and storing the attempt. Read by the benchmark; cheap enough to keep always on.
/// </summary>
public sealed class SellerCallMetrics
{
    private long _attempts;
    private long _succeeded;
    private long _failed;
    private long _created;
    private long _loadTicks;
    private long _signTicks;
    private long _sendTicks;
    private long _storeTicks;
    private long _createTicks;

    public void Created(long elapsedTicks)
    {
        Interlocked.Increment(ref _created);
        Interlocked.Add(ref _createTicks, elapsedTicks);
    }

    public void Attempted(long load, long sign, long send, long store, bool succeeded)
    {
        Interlocked.Increment(ref _attempts);
        Interlocked.Increment(ref succeeded ? ref _succeeded : ref _failed);
        Interlocked.Add(ref _loadTicks, load);
        Interlocked.Add(ref _signTicks, sign);
        Interlocked.Add(ref _sendTicks, send);
        Interlocked.Add(ref _storeTicks, store);
    }

    public Snapshot Read() => new(
        Interlocked.Read(ref _created), Interlocked.Read(ref _attempts), Interlocked.Read(ref _succeeded), Interlocked.Read(ref _failed),
        Time(ref _createTicks), Time(ref _loadTicks), Time(ref _signTicks), Time(ref _sendTicks), Time(ref _storeTicks));

    private static TimeSpan Time(ref long ticks) => TimeSpan.FromSeconds((double)Interlocked.Read(ref ticks) / Stopwatch.Frequency);

    /// <summary>Totals; the times are summed over concurrent workers (so they can exceed wall-clock time).</summary>
    public sealed record Snapshot(
        long Created, long Attempts, long Succeeded, long Failed,
        TimeSpan Creating, TimeSpan Loading, TimeSpan Signing, TimeSpan Sending, TimeSpan Storing);
}

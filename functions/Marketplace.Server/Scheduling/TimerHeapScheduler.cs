using Marketplace.Core.Persistence;
using Marketplace.Core.Scheduling;
using Marketplace.Core.Work;

namespace Marketplace.Server.Scheduling;

/// <summary>
/// The standalone server's scheduler: an in-memory heap of wake-ups. The durable truth is the deadline stored on each
/// aggregate's snapshot; at start-up the heap is loaded from there, so a restart loses no timer. A due wake-up puts
/// a tick on the work queue (no delayed queue messages: Azurite's receive cost grows with invisible messages).
/// Waiting costs nothing: one timer for the earliest deadline, no polling.
/// </summary>
public sealed class TimerHeapScheduler(
    IAggregateStore store,
    IWorkQueue queue,
    IEnumerable<StoredKind> kinds,
    TimeProvider time,
    ILogger<TimerHeapScheduler> logger) : BackgroundService, IScheduler
{
    private readonly PriorityQueue<WakeUp, DateTimeOffset> _heap = new();
    private readonly Dictionary<(string, string), long> _latest = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = NewSignal();

    public int Pending { get { lock (_lock) return _latest.Count; } }

    public void Schedule(WakeUp wakeUp)
    {
        lock (_lock)
        {
            var key = (wakeUp.Kind, wakeUp.Id);
            if (_latest.TryGetValue(key, out var version) && version > wakeUp.Version) return;
            _latest[key] = wakeUp.Version;
            _heap.Enqueue(wakeUp, wakeUp.At);
            _changed.TrySetResult();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await LoadAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            Task signal = Task.CompletedTask;
            WakeUp? due = null;
            TimeSpan wait;
            lock (_lock)
            {
                wait = Timeout.InfiniteTimeSpan;
                while (_heap.TryPeek(out var next, out var at))
                {
                    if (_latest.TryGetValue((next.Kind, next.Id), out var v) && v != next.Version)
                    {
                        _heap.Dequeue(); // superseded by a later schedule of the same aggregate
                        continue;
                    }
                    var delay = at - time.GetUtcNow();
                    if (delay <= TimeSpan.Zero)
                    {
                        due = _heap.Dequeue();
                        _latest.Remove((due.Kind, due.Id));
                    }
                    else wait = delay > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : delay;
                    break;
                }
                if (due is null)
                {
                    // A Schedule() after this point completes the new signal and wakes the wait below.
                    _changed = NewSignal();
                    signal = _changed.Task;
                }
            }

            if (due is not null)
            {
                await EnqueueAsync(due, stoppingToken);
                continue;
            }
            try
            {
                var timer = Task.Delay(wait, time, stoppingToken);
                await Task.WhenAny(timer, signal);
            }
            catch (OperationCanceledException) { }
        }
    }

    private async Task EnqueueAsync(WakeUp due, CancellationToken ct)
    {
        try
        {
            await queue.EnqueueAsync(WorkItem.ForTick(due), ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not queue the wake-up of {Kind} {Id}; trying again in 5 s", due.Kind, due.Id);
            Schedule(due with { At = time.GetUtcNow().AddSeconds(5) });
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var count = 0;
        foreach (var kind in kinds.Select(k => k.Kind).Distinct())
            await foreach (var w in store.DeadlinesAsync(kind, ct))
            {
                logger.LogDebug("Loaded wake-up of {Kind} {Id} (version {Version}) at {At:O}", w.Kind, w.Id, w.Version, w.At);
                Schedule(w);
                count++;
            }
        logger.LogInformation("Scheduler loaded {Count} pending deadlines", count);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

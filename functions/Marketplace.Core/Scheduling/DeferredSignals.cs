using Marketplace.Core.Persistence;
using Microsoft.Extensions.Logging;

namespace Marketplace.Core.Scheduling;

/// <summary>
/// A scheduler and outbox dispatcher for hosts that act on a commit's consequences at the end of a unit of work
/// rather than in a background loop (the Function App: one unit per function invocation). Commits made inside
/// <see cref="Begin"/> record their wake-ups and outbox messages in the current <see cref="SignalBatch"/> (an
/// async-local, so concurrent invocations never see each other's); the host then signals and relays them before the
/// invocation ends. A commit outside any batch is only logged: its deadline and outbox rows are stored with the
/// aggregate, and the host's recovery picks them up.
/// </summary>
public sealed class DeferredSignals(ILogger<DeferredSignals> logger) : IScheduler, IOutboxDispatcher
{
    private readonly AsyncLocal<SignalBatch?> _current = new();

    /// <summary>Opens a batch for the calling flow; dispose it to close it (the enclosing batch, if any, comes back).</summary>
    public SignalBatch Begin()
    {
        var batch = new SignalBatch(this, _current.Value);
        _current.Value = batch;
        return batch;
    }

    public void Schedule(WakeUp wakeUp)
    {
        if (_current.Value is { } batch) batch.Add(wakeUp);
        else logger.LogWarning("Wake-up of {Kind} {Id} at {At:O} was committed outside a unit of work; recovery will signal it", wakeUp.Kind, wakeUp.Id, wakeUp.At);
    }

    public void Dispatch(string kind, string aggregateId, IReadOnlyList<OutboxMessage> messages)
    {
        if (_current.Value is { } batch) batch.Add(kind, aggregateId, messages);
        else logger.LogWarning("{Count} outbox message(s) of {Kind} {Id} were committed outside a unit of work; recovery will relay them", messages.Count, kind, aggregateId);
    }

    internal void End(SignalBatch batch, SignalBatch? previous)
    {
        if (ReferenceEquals(_current.Value, batch)) _current.Value = previous;
    }
}

/// <summary>What the commits of one unit of work asked for: the latest wake-up per aggregate and every outbox message.</summary>
public sealed class SignalBatch : IDisposable
{
    private readonly DeferredSignals _owner;
    private readonly SignalBatch? _previous;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Kind, string Id), WakeUp> _wakeUps = new();
    private readonly List<(string Kind, string Id, OutboxMessage Message)> _outbox = [];

    internal SignalBatch(DeferredSignals owner, SignalBatch? previous)
    {
        _owner = owner;
        _previous = previous;
    }

    /// <summary>One wake-up per aggregate: the one of its latest version (an earlier one is superseded).</summary>
    public IReadOnlyList<WakeUp> WakeUps
    {
        get { lock (_lock) return _wakeUps.Values.OrderBy(w => w.Kind, StringComparer.Ordinal).ThenBy(w => w.Id, StringComparer.Ordinal).ToList(); }
    }

    /// <summary>Outbox messages in commit order.</summary>
    public IReadOnlyList<(string Kind, string Id, OutboxMessage Message)> Outbox
    {
        get { lock (_lock) return _outbox.ToList(); }
    }

    internal void Add(WakeUp wakeUp)
    {
        lock (_lock)
        {
            var key = (wakeUp.Kind, wakeUp.Id);
            if (!_wakeUps.TryGetValue(key, out var known) || known.Version <= wakeUp.Version) _wakeUps[key] = wakeUp;
        }
    }

    internal void Add(string kind, string id, IReadOnlyList<OutboxMessage> messages)
    {
        lock (_lock)
            foreach (var m in messages) _outbox.Add((kind, id, m));
    }

    public void Dispose() => _owner.End(this, _previous);
}

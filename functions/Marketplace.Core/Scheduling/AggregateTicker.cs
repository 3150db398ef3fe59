using Marketplace.Core.Persistence;
using Marketplace.Core.Work;

namespace Marketplace.Core.Scheduling;

/// <summary>An aggregate's next deadline as stored (<c>At</c> null: none), with the version it was computed at.</summary>
public sealed record Deadline(long Version, DateTimeOffset? At)
{
    public static readonly Deadline None = new(0, null);
}

/// <summary>
/// One wake-up of one aggregate for hosts whose timers live outside the process (the Function App's per-aggregate
/// Durable orchestration): run the aggregate's timer step through the <see cref="WorkRouter"/>, then read back the
/// deadline the aggregate now has, so the timer can wait for it. Everything the host needs to keep its timer going,
/// nothing else.
/// </summary>
public sealed class AggregateTicker(WorkRouter router, IAggregateStore store)
{
    /// <summary>
    /// Wakes <paramref name="kind"/>/<paramref name="id"/> for the deadline at <paramref name="handled"/> and returns
    /// the stored deadline after it. A deadline that did not move past the one just handled (the timer step was
    /// rejected or had nothing to do) is returned as none: firing it again at once would only spin. The next change of
    /// the aggregate signals a new deadline, and the host's recovery re-signals stored deadlines that are overdue.
    /// </summary>
    public async Task<Deadline> TickAsync(string kind, string id, DateTimeOffset handled, CancellationToken ct)
    {
        await router.HandleAsync(WorkItem.ForTick(new WakeUp(kind, id, 0, handled)), ct);
        var record = await store.LoadAsync(kind, id, ct);
        if (record is null) return Deadline.None;
        return new Deadline(record.Version, record.NextDeadline > handled ? record.NextDeadline : null);
    }
}

using Marketplace.Core.Persistence;
using Marketplace.Core.Work;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Marketplace.Functions.Scheduling;

/// <summary>
/// What the server does at start-up, on a timer here (a Function App has no single start): relay outbox rows that
/// were committed but not sent, and make sure every stored deadline has a running timer that is not stuck.
/// </summary>
public sealed class Recovery(
    OutboxRelay relay,
    IAggregateStore store,
    IEnumerable<StoredKind> kinds,
    DurableScheduler scheduler,
    TimeProvider time,
    ILogger<Recovery> logger)
{
    /// <summary>How late a running timer may be before recovery signals it again.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    public async Task RunAsync(DurableTaskClient durable, CancellationToken ct)
    {
        var stored = kinds.Select(k => k.Kind).Distinct().ToList();
        var relayed = await relay.RecoverAsync(stored, ct);

        var signalled = 0;
        var now = time.GetUtcNow();
        foreach (var kind in stored)
            await foreach (var wakeUp in store.DeadlinesAsync(kind, ct))
                if (await scheduler.EnsureAsync(durable, wakeUp, now, Grace, ct)) signalled++;

        logger.LogInformation("Recovery relayed {Relayed} outbox message(s) and signalled {Signalled} timer(s)", relayed, signalled);
    }
}

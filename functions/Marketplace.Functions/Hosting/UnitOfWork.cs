using Marketplace.Core.Scheduling;
using Marketplace.Core.Work;
using Marketplace.Functions.Scheduling;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Marketplace.Functions.Hosting;

/// <summary>
/// One function invocation as a unit of work: the commits it makes record their wake-ups and outbox messages in a
/// <see cref="SignalBatch"/>; before the invocation ends (also when it fails after committing), the outbox messages
/// are relayed to Service Bus and each aggregate's Durable timer is signalled. A relay or signal that fails is logged
/// and left to <see cref="Recovery"/>: the outbox rows and deadlines are stored with the aggregates.
/// </summary>
public sealed class UnitOfWork(DeferredSignals signals, OutboxRelay relay, DurableScheduler scheduler, ILogger<UnitOfWork> logger)
{
    public Task RunAsync(DurableTaskClient durable, Func<CancellationToken, Task> work, CancellationToken ct) =>
        RunForResultAsync(durable, async token => { await work(token); return true; }, ownTimer: null, ct);

    /// <param name="ownTimer">
    /// The aggregate whose timer is running this unit (the tick activity): its wake-up is not signalled, because the
    /// orchestration continues with the deadline the activity returns.
    /// </param>
    public async Task<T> RunForResultAsync<T>(DurableTaskClient durable, Func<CancellationToken, Task<T>> work, (string Kind, string Id)? ownTimer, CancellationToken ct)
    {
        using var batch = signals.Begin();
        try
        {
            return await work(ct);
        }
        finally
        {
            await FlushAsync(batch, durable, ownTimer);
        }
    }

    private async Task FlushAsync(SignalBatch batch, DurableTaskClient durable, (string Kind, string Id)? ownTimer)
    {
        // Not cancelled with the request: what was committed must be relayed and signalled.
        foreach (var (kind, id, message) in batch.Outbox)
        {
            try { await relay.RelayAsync(kind, id, message, CancellationToken.None); }
            catch (Exception ex) { logger.LogWarning(ex, "Relaying outbox message {MessageId} of {Kind} {Id} failed; recovery will relay it", message.MessageId, kind, id); }
        }

        foreach (var wakeUp in batch.WakeUps)
        {
            if (ownTimer is { } own && own.Kind == wakeUp.Kind && own.Id == wakeUp.Id) continue;
            try { await scheduler.SignalAsync(durable, wakeUp, CancellationToken.None); }
            catch (Exception ex) { logger.LogWarning(ex, "Signalling the timer of {Kind} {Id} failed; recovery will signal it", wakeUp.Kind, wakeUp.Id); }
        }
    }
}

using Marketplace.Core.Persistence;
using Marketplace.Core.Scheduling;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Marketplace.Functions.Scheduling;

/// <summary>
/// Signals an aggregate's Durable timer (<see cref="AggregateTimerOrchestration"/>, instance id
/// <see cref="AggregateTimerId"/>): starts it when absent or ended, otherwise raises <c>Changed</c> with the new
/// deadline. The orchestration keeps the deadline of the highest version it was told about, so signals arriving late
/// or twice do no harm.
/// </summary>
public sealed class DurableScheduler(ILogger<DurableScheduler> logger)
{
    public async Task SignalAsync(DurableTaskClient client, WakeUp wakeUp, CancellationToken ct)
    {
        var instanceId = AggregateTimerId.For(wakeUp.Kind, wakeUp.Id);
        var deadline = new Deadline(wakeUp.Version, wakeUp.At);
        var existing = await client.GetInstanceAsync(instanceId, ct);
        if (existing is null || existing.IsCompleted)
        {
            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(
                    AggregateTimerOrchestration.Name, new AggregateTimerState(wakeUp.Kind, wakeUp.Id, deadline), new StartOrchestrationOptions(instanceId), ct);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Started by a concurrent signal in between: tell the running instance instead.
                logger.LogDebug(ex, "Timer {InstanceId} could not be started; raising {Event} instead", instanceId, AggregateTimerOrchestration.ChangedEvent);
            }
        }

        await client.RaiseEventAsync(instanceId, AggregateTimerOrchestration.ChangedEvent, deadline, ct);
    }

    /// <summary>
    /// Recovery of one stored deadline: a timer that is absent or ended is started; a running one whose deadline is
    /// overdue by more than <paramref name="grace"/> is signalled again (a lost signal, or a timer step that could not
    /// move the deadline on). Returns whether it signalled.
    /// </summary>
    public async Task<bool> EnsureAsync(DurableTaskClient client, WakeUp wakeUp, DateTimeOffset now, TimeSpan grace, CancellationToken ct)
    {
        var existing = await client.GetInstanceAsync(AggregateTimerId.For(wakeUp.Kind, wakeUp.Id), ct);
        if (existing is not null && !existing.IsCompleted && wakeUp.At + grace > now) return false;
        await SignalAsync(client, wakeUp, ct);
        return true;
    }
}

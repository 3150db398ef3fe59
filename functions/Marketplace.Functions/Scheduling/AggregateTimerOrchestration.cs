using Marketplace.Core.Scheduling;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Marketplace.Functions.Scheduling;

/// <summary>The input of an aggregate's timer: which aggregate, and the deadline (with its version) it waits for.</summary>
public sealed record AggregateTimerState(string Kind, string Id, Deadline Deadline)
{
    /// <summary>A <c>Changed</c> signal counts only if it is not older than what the timer already knows.</summary>
    public AggregateTimerState Signalled(Deadline signal) => signal.Version >= Deadline.Version ? this with { Deadline = signal } : this;
}

/// <summary>The tick activity's input: the aggregate and the deadline that fell due.</summary>
public sealed record TickRequest(string Kind, string Id, DateTimeOffset Due);

/// <summary>
/// The durable timer of one aggregate (instance id <c>{kind}:{id}</c>, see <see cref="AggregateTimerId"/>): the Function
/// App's counterpart of the server's timer heap. It waits for the aggregate's deadline or a <c>Changed</c> signal,
/// whichever comes first (the loser is cancelled); at the deadline it calls <see cref="TickAggregateActivity"/>,
/// then continues as new with the deadline the aggregate now has. Seller-call retries run through it too: each
/// attempt is a deadline of the call. Only sequencing here: no I/O, clock, GUIDs or rules.
/// </summary>
public static class AggregateTimerOrchestration
{
    public const string Name = nameof(AggregateTimer);
    public const string ChangedEvent = "Changed";

    private static readonly TaskOptions TickRetry =
        TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromSeconds(15), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(5)));

    [Function(nameof(AggregateTimer))]
    public static async Task AggregateTimer([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var state = context.GetInput<AggregateTimerState>()!;
        context.SetCustomStatus(state.Deadline); // what ops see in the Durable monitor: version and next deadline

        using var eventCts = new CancellationTokenSource();
        var changed = context.WaitForExternalEvent<Deadline>(ChangedEvent, eventCts.Token);
        if (state.Deadline.At is not { } due)
        {
            context.ContinueAsNew(state.Signalled(await changed));
            return;
        }

        using var timerCts = new CancellationTokenSource();
        var timer = context.CreateTimer(due.UtcDateTime, timerCts.Token);
        if (await Task.WhenAny(changed, timer) == changed)
        {
            timerCts.Cancel();
            context.ContinueAsNew(state.Signalled(changed.Result));
            return;
        }

        eventCts.Cancel();
        var next = await context.CallActivityAsync<Deadline>(TickAggregateActivity.Name, new TickRequest(state.Kind, state.Id, due), TickRetry);
        context.ContinueAsNew(state with { Deadline = next });
    }
}

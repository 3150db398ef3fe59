using Marketplace.Core.Scheduling;
using Marketplace.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Scheduling;

/// <summary>
/// The timer step of one aggregate (<see cref="AggregateTicker"/>: its tick handler through the WorkRouter), as a
/// unit of work; returns the aggregate's next deadline to <see cref="AggregateTimerOrchestration"/>.
/// </summary>
public sealed class TickAggregateActivity(UnitOfWork work, AggregateTicker ticker)
{
    public const string Name = nameof(TickAggregate);

    [Function(nameof(TickAggregate))]
    public Task<Deadline> TickAggregate([ActivityTrigger] TickRequest request, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        work.RunForResultAsync(durable, token => ticker.TickAsync(request.Kind, request.Id, request.Due, token), (request.Kind, request.Id), ct);
}

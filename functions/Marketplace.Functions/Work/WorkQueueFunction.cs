using System.Text.Json;
using Marketplace.Core.Work;
using Marketplace.Functions.Hosting;
using Marketplace.Storage.Work;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Marketplace.Functions.Work;

/// <summary>
/// The Service Bus trigger on the work queue (<c>%WorkQueueName%</c>, the <c>seller-calls</c> queue): the server's
/// QueueWorker. The body is bound as a string (it carries the whole work item), handed to the same
/// <see cref="WorkRouter"/>; settlement is the host's auto-complete: a handler that throws abandons the message, which
/// is redelivered and dead-lettered after the queue's max delivery count.
/// </summary>
public sealed class WorkQueueFunction(UnitOfWork work, WorkRouter router)
{
    [Function(nameof(SellerCallsQueue))]
    public Task SellerCallsQueue([ServiceBusTrigger("%WorkQueueName%", Connection = "ServiceBus")] string body, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        work.RunAsync(durable, token => router.HandleAsync(Parse(body), token), ct);

    private static WorkItem Parse(string body) =>
        JsonSerializer.Deserialize<WorkItem>(body, WorkQueueClient.Json) ?? throw new InvalidDataException("Empty work item.");
}

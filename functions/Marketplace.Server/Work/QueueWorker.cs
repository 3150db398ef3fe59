using System.Text.Json;
using Marketplace.Core.Work;
using Marketplace.Storage.Queues;
using Marketplace.Storage.Work;
using Microsoft.Extensions.Options;

namespace Marketplace.Server.Work;

/// <summary>Section "Worker": how the standalone server consumes its work queue.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";
    public int Concurrency { get; set; } = 16;
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);
    public int MaxDequeueCount { get; set; } = 5;
    /// <summary>Longest sleep between receives on an empty queue; a local enqueue wakes the worker at once.</summary>
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Takes work items from the Storage queue under a lease, runs them through the <see cref="WorkRouter"/>, deletes
/// them on success. A failed item becomes visible again when its lease ends; after MaxDequeueCount tries it moves to
/// the poison queue. On shutdown it stops receiving and lets in-flight items finish.
/// </summary>
public sealed class QueueWorker(
    WorkQueueClient work,
    WorkRouter router,
    IOptions<WorkerOptions> options,
    ILogger<QueueWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        await work.EnsureCreatedAsync().WaitAsync(stoppingToken);
        var slots = new SemaphoreSlim(o.Concurrency);
        var inFlight = new HashSet<Task>();
        var idle = TimeSpan.FromMilliseconds(50);
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<QueueMessage> batch;
            try
            {
                var wanted = Math.Clamp(slots.CurrentCount, 1, 32);
                batch = await work.Queue.ReceiveAsync(wanted, o.Lease, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Receiving from the work queue failed; retrying");
                await work.WaitForWorkAsync(TimeSpan.FromSeconds(1), stoppingToken);
                continue;
            }

            if (batch.Count == 0)
            {
                await work.WaitForWorkAsync(idle, stoppingToken);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, o.IdleDelay.Ticks));
                continue;
            }
            idle = TimeSpan.FromMilliseconds(50);

            foreach (var message in batch)
            {
                await slots.WaitAsync(CancellationToken.None);
                var task = Task.Run(() => HandleAsync(message, o), CancellationToken.None);
                lock (inFlight) inFlight.Add(task);
                _ = task.ContinueWith(t => { slots.Release(); lock (inFlight) inFlight.Remove(t); }, TaskScheduler.Default);
            }
        }

        Task[] remaining;
        lock (inFlight) remaining = inFlight.ToArray();
        await Task.WhenAll(remaining);
    }

    private async Task HandleAsync(QueueMessage message, WorkerOptions o)
    {
        WorkItem? item = null;
        try
        {
            if (message.DequeueCount > o.MaxDequeueCount)
            {
                logger.LogError("Work item {MessageId} failed {Count} times; moving it to the poison queue", message.MessageId, message.DequeueCount - 1);
                await work.Queue.MoveToPoisonAsync(message, CancellationToken.None);
                return;
            }
            item = JsonSerializer.Deserialize<WorkItem>(message.Text, WorkQueueClient.Json);
            if (item is null) throw new InvalidDataException("Empty work item.");
            // Let in-flight items finish on shutdown: they get their own grace, not the stopping token.
            using var grace = new CancellationTokenSource(o.Lease - TimeSpan.FromSeconds(5));
            await router.HandleAsync(item, grace.Token);
            await work.Queue.DeleteAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Work item {MessageId} ({Type} {Kind} {Id}) failed on try {Count}; it will be retried after its lease",
                message.MessageId, item?.Type, item?.Kind, item?.Id, message.DequeueCount);
        }
    }
}

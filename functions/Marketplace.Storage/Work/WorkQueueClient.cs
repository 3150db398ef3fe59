using System.Text.Json;
using Marketplace.Core.Work;
using Marketplace.Storage.Queues;

namespace Marketplace.Storage.Work;

/// <summary>
/// The work queue on a Storage queue. Only work that is due now goes on it (future deadlines live on the aggregates).
/// An enqueue from this process also wakes this process's worker at once, so an idle worker can sleep long.
/// </summary>
public sealed class WorkQueueClient(QueueClient queue) : IWorkQueue
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lazy<Task> _created = new(() => queue.CreateIfNotExistsAsync(CancellationToken.None));

    public QueueClient Queue { get; } = queue;

    public Task EnsureCreatedAsync() => _created.Value;

    public async Task EnqueueAsync(WorkItem item, CancellationToken ct)
    {
        await _created.Value.WaitAsync(ct);
        await Queue.SendAsync(JsonSerializer.Serialize(item, Json), cancellationToken: ct);
        Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits until a local enqueue happens or <paramref name="max"/> passes.</summary>
    public async Task WaitForWorkAsync(TimeSpan max, CancellationToken ct)
    {
        try { await Volatile.Read(ref _signal).Task.WaitAsync(max, ct); }
        catch (TimeoutException) { }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }
}

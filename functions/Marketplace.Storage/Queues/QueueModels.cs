namespace Marketplace.Storage.Queues;

/// <summary>What Put Message returns: the new message's id and the pop receipt that can update or delete it.</summary>
public sealed record SendReceipt(string MessageId, string PopReceipt);

/// <summary>A received message. <see cref="PopReceipt"/> is needed to delete it or extend its lease.</summary>
public sealed record QueueMessage(
    string MessageId,
    string PopReceipt,
    long DequeueCount,
    string Text,
    DateTimeOffset InsertedOn,
    DateTimeOffset NextVisibleOn)
{
    /// <summary>The queue this message was received from (set by <see cref="QueueClient.ReceiveAsync"/>).</summary>
    public string? QueueName { get; init; }
}

/// <summary>
/// The poison rule for queue consumers: a message received more than <see cref="DefaultMaxDequeueCount"/> times
/// (i.e. its handler failed or timed out that often) is moved to the <c>{queue}-poison</c> queue with
/// <see cref="QueueClient.MoveToPoisonAsync"/> instead of being handled again. Handling is therefore at-least-once
/// and handlers must be idempotent.
/// </summary>
public static class PoisonPolicy
{
    /// <summary>Deliveries allowed before a message is poison: 5, as for Azure Functions queue triggers.</summary>
    public const int DefaultMaxDequeueCount = 5;

    /// <summary>The suffix of the poison queue's name.</summary>
    public const string PoisonSuffix = "-poison";

    /// <summary>True when <paramref name="message"/> has been dequeued more than <paramref name="maxDequeueCount"/> times.</summary>
    public static bool IsPoison(QueueMessage message, int maxDequeueCount = DefaultMaxDequeueCount)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDequeueCount, 1);
        return message.DequeueCount > maxDequeueCount;
    }

    /// <summary>The poison queue's name for <paramref name="queueName"/>.</summary>
    public static string PoisonQueueName(string queueName) => queueName + PoisonSuffix;
}

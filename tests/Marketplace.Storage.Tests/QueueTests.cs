using Marketplace.Storage.Queues;

namespace Marketplace.Storage.Tests;

public class QueueTests
{
    internal static async Task<QueueClient> NewQueueAsync()
    {
        var queue = StorageTestEnvironment.Account.GetQueueClient(StorageTestEnvironment.UniqueName("q"));
        Assert.True(await queue.CreateIfNotExistsAsync());
        return queue;
    }

    [Fact]
    public async Task SendReceiveDelete()
    {
        var queue = await NewQueueAsync();
        Assert.False(await queue.CreateIfNotExistsAsync());
        const string text = "{\"order\":\"Zoë <&> 42\"}";

        var receipt = await queue.SendAsync(text);
        Assert.Equal(1, await queue.ApproximateCountAsync());
        var received = Assert.Single(await queue.ReceiveAsync(10, TimeSpan.FromSeconds(30)));

        Assert.Equal(receipt.MessageId, received.MessageId);
        Assert.Equal(text, received.Text);
        Assert.Equal(1, received.DequeueCount);
        Assert.Equal(queue.Name, received.QueueName);
        Assert.True(received.NextVisibleOn > received.InsertedOn);
        Assert.Empty(await queue.ReceiveAsync(10, TimeSpan.FromSeconds(30)));
        Assert.True(await queue.DeleteAsync(received.MessageId, received.PopReceipt));
        Assert.False(await queue.DeleteAsync(received.MessageId, received.PopReceipt));
        Assert.Equal(0, await queue.ApproximateCountAsync());
    }

    [Fact]
    public async Task ReceiveTakesUpToMaxMessages()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 5; i++) await queue.SendAsync($"m{i}");

        var first = await queue.ReceiveAsync(3, TimeSpan.FromSeconds(30));
        var rest = await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30));

        Assert.Equal(3, first.Count);
        Assert.Equal(2, rest.Count);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], first.Concat(rest).Select(m => m.Text).Order());
    }

    [Fact]
    public async Task ClearEmptiesTheQueue()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("a");
        await queue.SendAsync("b", visibilityDelay: TimeSpan.FromMinutes(5));

        await queue.ClearAsync();

        Assert.Equal(0, await queue.ApproximateCountAsync());
        Assert.True(await queue.DeleteQueueAsync());
        Assert.False(await queue.DeleteQueueAsync());
    }

    [Fact]
    public async Task MoveToPoisonSendsTheTextToThePoisonQueueAndDeletesTheOriginal()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("bad payload");
        var message = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));

        await queue.MoveToPoisonAsync(message);

        Assert.Equal(0, await queue.ApproximateCountAsync());
        var poison = queue.GetPoisonQueueClient();
        Assert.Equal(queue.Name + "-poison", poison.Name);
        var moved = Assert.Single(await poison.ReceiveAsync(10, TimeSpan.FromSeconds(30)));
        Assert.Equal("bad payload", moved.Text);
        await poison.DeleteQueueAsync();
    }

    [Fact]
    public void PoisonRuleTriggersPastTheMaximumDequeueCount()
    {
        QueueMessage Message(long dequeueCount) => new("id", "pop", dequeueCount, "x", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

        Assert.Equal(5, PoisonPolicy.DefaultMaxDequeueCount);
        Assert.False(PoisonPolicy.IsPoison(Message(5)));
        Assert.True(PoisonPolicy.IsPoison(Message(6)));
        Assert.True(PoisonPolicy.IsPoison(Message(3), maxDequeueCount: 2));
        Assert.Equal("orders-poison", PoisonPolicy.PoisonQueueName("orders"));
    }

    [Fact]
    public async Task DeletingWithAStalePopReceiptAfterExtensionFails()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("x");
        var message = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));
        var newReceipt = await queue.ExtendLeaseAsync(message.MessageId, message.PopReceipt, TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAnyAsync<StorageException>(() => queue.ExtendLeaseAsync(message.MessageId, message.PopReceipt, TimeSpan.FromSeconds(30)));

        Assert.NotEqual(message.PopReceipt, newReceipt);
        Assert.True(error.Status is 400 or 404, $"status {error.Status}");
        Assert.True(await queue.DeleteAsync(message.MessageId, newReceipt));
    }

    [Fact]
    public async Task SendingToAMissingQueueThrowsNotFound()
    {
        var queue = StorageTestEnvironment.Account.GetQueueClient(StorageTestEnvironment.UniqueName("q"));

        var error = await Assert.ThrowsAsync<StorageNotFoundException>(() => queue.SendAsync("x"));

        Assert.Equal("QueueNotFound", error.ErrorCode);
    }
}

/// <summary>The time-dependent queue tests, in their own class so they run in parallel with the others.</summary>
public class QueueVisibilityTests
{
    [Fact]
    public async Task ADelayedMessageIsNotReceivedBeforeItsDelay()
    {
        var queue = await QueueTests.NewQueueAsync();

        await queue.SendAsync("later", visibilityDelay: TimeSpan.FromSeconds(2));
        Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal(1, await queue.ApproximateCountAsync());
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.Equal("later", Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30))).Text);
    }

    [Fact]
    public async Task ExtendingTheLeaseKeepsTheMessageInvisible()
    {
        var queue = await QueueTests.NewQueueAsync();
        await queue.SendAsync("work");
        var message = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1)));

        var receipt = await queue.ExtendLeaseAsync(message.MessageId, message.PopReceipt, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));
        Assert.True(await queue.DeleteAsync(message.MessageId, receipt));
    }

    [Fact]
    public async Task TheDequeueCountGrowsWhenALeaseExpires()
    {
        var queue = await QueueTests.NewQueueAsync();
        await queue.SendAsync("flaky");

        var first = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1)));
        await Task.Delay(TimeSpan.FromSeconds(1.6));
        var second = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1)));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(1, first.DequeueCount);
        Assert.Equal(2, second.DequeueCount);
        Assert.False(await queue.DeleteAsync(first.MessageId, first.PopReceipt));
        Assert.True(await queue.DeleteAsync(second.MessageId, second.PopReceipt));
    }
}

using System.Text;
using System.Text.Json;
using Marketplace.Core.Kit;
using Marketplace.Core.Persistence;
using Marketplace.Core.Work;
using Marketplace.Storage.Aggregates;
using Marketplace.Storage.Kit;
using Marketplace.Storage.Queues;
using Marketplace.Storage.Work;

namespace Marketplace.Storage.Tests.Kit;

/// <summary>The Kit user directory against Azurite: one row per user, the latest batch wins whatever the order of arrival.</summary>
public class TableKitUserDirectoryTests
{
    private static TableKitUserDirectory NewDirectory() => new(new TableProvisioner(StorageTestEnvironment.Account, StorageTestEnvironment.UniqueName("k")));

    private static List<KitUser> Users(int from, int count, string name = "User") =>
        Enumerable.Range(from, count).Select(i => new KitUser($"user{i:D4}", $"{name} {i}", "rd", "user")).ToList();

    [Fact]
    public async Task BatchesAppliedTwiceOrOutOfOrderEndAsTheLatestSays()
    {
        var directory = NewDirectory();
        var added = new KitUserChange("eb-1", 4, KitFlags.Add, Users(1, 250));
        var renamed = new KitUserChange("eb-1", 5, KitFlags.Modify, Users(1, 10, "Renamed"));
        var revoked = new KitUserChange("eb-1", 6, KitFlags.Revoke, Users(5, 2));

        await directory.ApplyAsync(revoked, default);
        await directory.ApplyAsync(added, default); // late: older than the revoke for user0005/6
        await directory.ApplyAsync(renamed, default);
        await directory.ApplyAsync(added, default); // again, from the outbox: changes nothing
        await directory.ApplyAsync(new KitUserChange("eb-2", 1, KitFlags.Add, Users(1, 1)), default); // another binding

        var listed = await directory.ListAsync("eb-1", default);
        Assert.Equal(248, listed.Count);
        Assert.DoesNotContain(listed, u => u.UserName is "user0005" or "user0006");
        Assert.Equal("Renamed 1", listed.Single(u => u.UserName == "user0001").Name);
        Assert.Equal("User 11", listed.Single(u => u.UserName == "user0011").Name);

        var found = await directory.FindAsync("eb-1", ["user0001", "user0005", "user0300"], default);
        Assert.Equal(["user0001"], found.Keys);
    }

    [Fact]
    public async Task ConcurrentBatchesOfOneBindingBothLand()
    {
        var directory = NewDirectory();
        await Task.WhenAll(
            directory.ApplyAsync(new KitUserChange("eb-1", 1, KitFlags.Add, Users(1, 300)), default),
            directory.ApplyAsync(new KitUserChange("eb-1", 2, KitFlags.Delete, Users(101, 300)), default));
        var listed = await directory.ListAsync("eb-1", default);
        Assert.Equal(Users(1, 100).Select(u => u.UserName), listed.Select(u => u.UserName));
    }

    [Fact]
    public async Task UserNamesWithCharactersRowKeysForbidAreKept()
    {
        var directory = NewDirectory();
        string[] names = ["a/b", "c\\d", "e#f", "g?h", "100%", "tab\there", "张三"];
        await directory.ApplyAsync(new KitUserChange("eb-1", 1, KitFlags.Add, names.Select(n => new KitUser(n, n, "", "user", "x@example.com")).ToList()), default);

        var listed = await directory.ListAsync("eb-1", default);
        Assert.Equal(names.Order(StringComparer.Ordinal), listed.Select(u => u.UserName).Order(StringComparer.Ordinal));
        Assert.Equal(names.Order(StringComparer.Ordinal), (await directory.FindAsync("eb-1", names, default)).Keys.Order(StringComparer.Ordinal));
        Assert.All(listed, u => Assert.Equal("x@example.com", u.Email));
    }

    [Fact]
    public async Task AnOutboxPayloadTooLongForAQueueMessageIsReadFromItsRow()
    {
        // The longest inline payload, made of the character that grows most once the work item is JSON-encoded, fits.
        var inline = WorkItem.ForOutbox("k", "a1", new OutboxMessage("m", "topic", new string('"', WorkItem.MaxInlinePayloadChars)));
        Assert.Equal(WorkItem.Outbox, inline.Type);
        Assert.True(Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(inline, WorkQueueClient.Json)) <= QueueClient.MaxMessageBytes);

        var store = new TableAggregateStore(new TableProvisioner(StorageTestEnvironment.Account, StorageTestEnvironment.UniqueName("o")));
        var message = new OutboxMessage("0000000001-000001-00", "topic", new string('x', 200_000));
        await store.SaveAsync(new AggregateRecord("things", "agg-1", 1, "{}", 0, AuditChain.Genesis, null, new Dictionary<string, string>()), null, [], [message], default);
        Assert.Equal(WorkItem.StoredOutbox, WorkItem.ForOutbox("things", "agg-1", message).Type);
        Assert.Equal(message, await store.FindOutboxAsync("things", "agg-1", message.MessageId, default));
        await store.MarkDispatchedAsync("things", "agg-1", message.MessageId, default);
        Assert.Null(await store.FindOutboxAsync("things", "agg-1", message.MessageId, default));
    }
}

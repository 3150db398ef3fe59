using Marketplace.Storage.Tables;

namespace Marketplace.Storage.Tests;

public class TableClientTests
{
    private static async Task<TableClient> NewTableAsync()
    {
        var table = StorageTestEnvironment.Account.GetTableClient(StorageTestEnvironment.UniqueName());
        Assert.True(await table.CreateIfNotExistsAsync());
        return table;
    }

    [Fact]
    public async Task CreateListAndDeleteTables()
    {
        var service = StorageTestEnvironment.Account.GetTableServiceClient();
        var prefix = StorageTestEnvironment.UniqueName("ls")[..14];
        var names = new[] { prefix + "a", prefix + "b", prefix + "c" };
        foreach (var name in names) Assert.True(await service.CreateTableIfNotExistsAsync(name));
        Assert.False(await service.CreateTableIfNotExistsAsync(names[0]));

        var listed = new List<string>();
        await foreach (var name in service.ListTablesAsync(prefix)) listed.Add(name);
        Assert.Equal(names, listed.Order());

        Assert.True(await service.DeleteTableAsync(names[0]));
        Assert.False(await service.DeleteTableAsync(names[0]));
        Assert.True(await service.GetTableClient(names[1]).DeleteAsync());
        Assert.False(await service.GetTableClient(names[1]).DeleteAsync());
    }

    [Fact]
    public async Task InsertThenGetRoundTripsEveryType()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2026, 11, 3, 14, 15, 16, TimeSpan.FromHours(2)).AddTicks(1234567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("p1", "r1")
        {
            ["Name"] = "Zoë's \"shop\"\nline two",
            ["Count"] = 42,
            ["Big"] = long.MaxValue - 7,
            ["Small"] = 5L,
            ["Price"] = 19.99,
            ["Whole"] = 2.0,
            ["Active"] = true,
            ["When"] = when,
            ["Id"] = id,
            ["Blob"] = new byte[] { 0, 1, 2, 250, 255 },
        };

        var etag = await table.InsertAsync(entity);
        var read = await table.GetAsync("p1", "r1");

        Assert.NotNull(read);
        Assert.StartsWith("W/\"datetime'", etag, StringComparison.Ordinal);
        Assert.Equal(etag, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.Equal("Zoë's \"shop\"\nline two", read.GetString("Name"));
        Assert.Equal(42, read.GetInt32("Count"));
        Assert.IsType<long>(read["Big"]);
        Assert.Equal(long.MaxValue - 7, read.GetInt64("Big"));
        Assert.IsType<long>(read["Small"]);
        Assert.Equal(5L, read.GetInt64("Small"));
        Assert.Equal(19.99, read.GetDouble("Price"));
        Assert.Equal(2.0, read.GetDouble("Whole"));
        Assert.Equal(true, read.GetBoolean("Active"));
        Assert.Equal(when.ToUniversalTime(), read.GetDateTimeOffset("When"));
        Assert.Equal(TimeSpan.Zero, read.GetDateTimeOffset("When")!.Value.Offset);
        Assert.Equal(id, read.GetGuid("Id"));
        Assert.Equal(new byte[] { 0, 1, 2, 250, 255 }, read.GetBinary("Blob"));
        Assert.Equal(10, read.Count);
        Assert.Null(read.GetString("Missing"));
    }

    [Fact]
    public async Task PropertyNamesAreCaseSensitive()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(new TableEntity("p", "r") { ["name"] = "lower", ["Name"] = "upper" });

        var read = await table.GetAsync("p", "r");

        Assert.Equal("lower", read!.GetString("name"));
        Assert.Equal("upper", read.GetString("Name"));
    }

    [Fact]
    public async Task DuplicateInsertThrowsConflict()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(new TableEntity("p", "r"));

        var error = await Assert.ThrowsAsync<StorageConflictException>(() => table.InsertAsync(new TableEntity("p", "r")));

        Assert.Equal(409, error.Status);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
    }

    [Fact]
    public async Task GetOfAMissingEntityIsNullAndOperationsOnAMissingTableThrowNotFound()
    {
        var table = await NewTableAsync();
        Assert.Null(await table.GetAsync("nope", "nope"));

        var missing = StorageTestEnvironment.Account.GetTableClient(StorageTestEnvironment.UniqueName());
        var error = await Assert.ThrowsAsync<StorageNotFoundException>(() => missing.InsertAsync(new TableEntity("p", "r")));
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task ReplaceWithCurrentETagSucceedsAndWithStaleETagFails412()
    {
        var table = await NewTableAsync();
        var first = await table.InsertAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = "keep?" });

        var second = await table.ReplaceAsync(new TableEntity("p", "r") { ["A"] = 2 }, first);
        var error = await Assert.ThrowsAsync<StoragePreconditionFailedException>(() => table.ReplaceAsync(new TableEntity("p", "r") { ["A"] = 3 }, first));
        var read = await table.GetAsync("p", "r");

        Assert.NotEqual(first, second);
        Assert.Equal(412, error.Status);
        Assert.Equal(2, read!.GetInt32("A"));
        Assert.False(read.ContainsKey("B"));
        Assert.Equal(second, read.ETag);
        await table.ReplaceAsync(new TableEntity("p", "r") { ["A"] = 4 }, "*");
        Assert.Equal(4, (await table.GetAsync("p", "r"))!.GetInt32("A"));
    }

    [Fact]
    public async Task MergeKeepsOtherPropertiesAndChecksTheETag()
    {
        var table = await NewTableAsync();
        var first = await table.InsertAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = "kept" });

        var second = await table.MergeAsync(new TableEntity("p", "r") { ["A"] = 2 }, first);
        var error = await Assert.ThrowsAsync<StoragePreconditionFailedException>(() => table.MergeAsync(new TableEntity("p", "r") { ["A"] = 3 }, first));
        await table.MergeAsync(new TableEntity("p", "r") { ["C"] = true }, "*");
        var read = await table.GetAsync("p", "r");

        Assert.NotEqual(first, second);
        Assert.Equal(412, error.Status);
        Assert.Equal(2, read!.GetInt32("A"));
        Assert.Equal("kept", read.GetString("B"));
        Assert.Equal(true, read.GetBoolean("C"));
    }

    [Fact]
    public async Task MergeOrReplaceOfAMissingEntityThrowsNotFound()
    {
        var table = await NewTableAsync();

        await Assert.ThrowsAsync<StorageNotFoundException>(() => table.MergeAsync(new TableEntity("p", "x"), "*"));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => table.ReplaceAsync(new TableEntity("p", "x"), "*"));
    }

    [Fact]
    public async Task DeleteChecksTheETag()
    {
        var table = await NewTableAsync();
        var first = await table.InsertAsync(new TableEntity("p", "r") { ["A"] = 1 });
        var second = await table.ReplaceAsync(new TableEntity("p", "r") { ["A"] = 2 }, first);

        var error = await Assert.ThrowsAsync<StoragePreconditionFailedException>(() => table.DeleteEntityAsync("p", "r", first));
        Assert.Equal(412, error.Status);
        Assert.True(await table.DeleteEntityAsync("p", "r", second));
        Assert.False(await table.DeleteEntityAsync("p", "r"));
        Assert.Null(await table.GetAsync("p", "r"));
    }

    [Fact]
    public async Task UpsertReplacesOrMerges()
    {
        var table = await NewTableAsync();

        await table.UpsertAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = 1 }, TableUpdateMode.Replace);
        await table.UpsertAsync(new TableEntity("p", "r") { ["A"] = 2 }, TableUpdateMode.Merge);
        var merged = await table.GetAsync("p", "r");
        await table.UpsertAsync(new TableEntity("p", "r") { ["A"] = 3 }, TableUpdateMode.Replace);
        var replaced = await table.GetAsync("p", "r");

        Assert.Equal(2, merged!.GetInt32("A"));
        Assert.Equal(1, merged.GetInt32("B"));
        Assert.Equal(3, replaced!.GetInt32("A"));
        Assert.False(replaced.ContainsKey("B"));
    }

    [Fact]
    public async Task FilterAndSelect()
    {
        var table = await NewTableAsync();
        var actions = Enumerable.Range(0, 20)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", i.ToString("D2")) { ["N"] = i, ["Even"] = i % 2 == 0, ["Label"] = $"item '{i}'", ["Big"] = i * 10_000_000_000L }))
            .ToList();
        await table.SubmitTransactionAsync(actions);

        var filter = TableFilter.Create($"PartitionKey eq {"p"} and N ge {5} and Even eq {true} and Big lt {150_000_000_000L}");
        var results = new List<TableEntity>();
        await foreach (var e in table.QueryAsync(filter, select: ["N", "Label"])) results.Add(e);

        Assert.Equal([6, 8, 10, 12, 14], results.Select(e => e.GetInt32("N")!.Value));
        Assert.All(results, e => Assert.False(e.ContainsKey("Even")));
        Assert.All(results, e => Assert.False(e.ContainsKey("Big")));
        Assert.All(results, e => Assert.NotNull(e.ETag));
        Assert.Equal("item '6'", results[0].GetString("Label"));

        var quoted = new List<TableEntity>();
        await foreach (var e in table.QueryAsync("Label eq " + TableFilter.Quote("item '7'"))) quoted.Add(e);
        Assert.Equal("07", Assert.Single(quoted).RowKey);

        var selected = await table.GetAsync("p", "03", select: ["Label"]);
        Assert.Equal("item '3'", selected!.GetString("Label"));
        Assert.False(selected.ContainsKey("N"));
    }

    [Fact]
    public async Task PagingPastAThousandEntitiesFollowsContinuations()
    {
        var table = await NewTableAsync();
        const int partitions = 11;
        await Task.WhenAll(Enumerable.Range(0, partitions).Select(p => table.SubmitTransactionAsync(
            Enumerable.Range(0, 100)
                .Select(r => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity($"p{p:D2}", $"r{r:D3}") { ["P"] = p, ["R"] = r }))
                .ToList())));

        var first = await table.QueryPageAsync(null, null, null, null);
        Assert.Equal(1000, first.Items.Count);
        Assert.NotNull(first.Continuation);
        var second = await table.QueryPageAsync(null, null, null, first.Continuation);
        Assert.Equal(100, second.Items.Count);
        Assert.Null(second.Continuation);

        var topped = await table.QueryPageAsync("PartitionKey eq 'p03'", ["R"], 30, null);
        Assert.Equal(30, topped.Items.Count);
        Assert.NotNull(topped.Continuation);

        var all = new List<TableEntity>();
        await foreach (var e in table.QueryAsync(null, pageSize: 400)) all.Add(e);
        Assert.Equal(partitions * 100, all.Count);
        Assert.Equal(partitions * 100, all.Select(e => e.PartitionKey + "/" + e.RowKey).Distinct().Count());
        Assert.Equal(first.Items.Concat(second.Items).Select(e => e.RowKey), all.Select(e => e.RowKey));
    }

    [Fact]
    public void FilterLiteralsAreEscapedAndTyped()
    {
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var when = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        Assert.Equal("'o''brien'", TableFilter.Quote("o'brien"));
        Assert.Equal("''''''", TableFilter.Quote("''"));
        Assert.Equal(
            "Name eq 'o''brien' and Count gt 3 and Big lt 5L and Price le 2.5 and Flag eq false and Id eq guid'0f8fad5b-d9cb-469f-a165-70867728950e' and At ge datetime'2026-01-02T03:04:05.0000000Z'",
            TableFilter.Create($"Name eq {"o'brien"} and Count gt {3} and Big lt {5L} and Price le {2.5} and Flag eq {false} and Id eq {id} and At ge {when}"));
        Assert.Equal("(PartitionKey eq 'a') and (RowKey eq 'b')", TableFilter.And(TableFilter.Equal("PartitionKey", "a"), null, TableFilter.Equal("RowKey", "b")));
        Assert.Equal("RowKey ge 'ab' and RowKey lt 'ac'", TableFilter.StartsWith("RowKey", "ab"));
    }

    [Fact]
    public void EntityBagRejectsUnsupportedTypesAndNormalisesDates()
    {
        var entity = new TableEntity("p", "r");

        Assert.Throws<ArgumentException>(() => entity["Bad"] = new object());
        Assert.Throws<ArgumentException>(() => entity["Bad"] = 1.5m);
        entity["Local"] = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.FromHours(5));
        entity["Gone"] = "x";
        entity["Gone"] = null;

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 7, 0, 0, TimeSpan.Zero), entity.GetDateTimeOffset("Local"));
        Assert.Equal(TimeSpan.Zero, entity.GetDateTimeOffset("Local")!.Value.Offset);
        Assert.False(entity.ContainsKey("Gone"));
        Assert.Throws<InvalidCastException>(() => entity.GetInt32("Local"));
        Assert.Equal("p", entity["PartitionKey"]);
    }
}

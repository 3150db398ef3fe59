using Marketplace.Storage.Tables;

namespace Marketplace.Storage.Tests;

public class TableTransactionTests
{
    private static async Task<TableClient> NewTableAsync()
    {
        var table = StorageTestEnvironment.Account.GetTableClient(StorageTestEnvironment.UniqueName());
        Assert.True(await table.CreateIfNotExistsAsync());
        return table;
    }

    private static TableTransactionAction Add(string pk, string rk, int value = 0) =>
        new(TableTransactionActionType.Add, new TableEntity(pk, rk) { ["V"] = value });

    [Fact]
    public async Task EveryActionTypeIsAppliedAndETagsReturned()
    {
        var table = await NewTableAsync();
        var replaceETag = await table.InsertAsync(new TableEntity("p", "replace") { ["V"] = 1, ["Old"] = "x" });
        await table.InsertAsync(new TableEntity("p", "merge") { ["V"] = 1, ["Old"] = "x" });
        await table.InsertAsync(new TableEntity("p", "upsertmerge") { ["V"] = 1, ["Old"] = "x" });
        var deleteETag = await table.InsertAsync(new TableEntity("p", "delete"));

        var etags = await table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "add") { ["V"] = 2, ["Text"] = "a\r\n--changeset_x\nb\u2028c}{\"d\"" }),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "replace") { ["V"] = 2 }, replaceETag),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "merge") { ["V"] = 2 }),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "upsertreplace") { ["V"] = 2 }),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "upsertmerge") { ["V"] = 2 }),
            new(TableTransactionActionType.Delete, new TableEntity("p", "delete") { ETag = deleteETag }),
        ]);

        Assert.Equal(6, etags.Count);
        Assert.All(etags.Take(5), e => Assert.StartsWith("W/", e, StringComparison.Ordinal));
        Assert.Null(etags[5]);
        var rows = new Dictionary<string, TableEntity>();
        await foreach (var e in table.QueryAsync("PartitionKey eq 'p'")) rows[e.RowKey] = e;
        Assert.Equal(["add", "merge", "replace", "upsertmerge", "upsertreplace"], rows.Keys.Order());
        Assert.All(rows.Values, e => Assert.Equal(2, e.GetInt32("V")));
        Assert.False(rows["replace"].ContainsKey("Old"));
        Assert.Equal("x", rows["merge"].GetString("Old"));
        Assert.Equal("x", rows["upsertmerge"].GetString("Old"));
        Assert.Equal(etags[0], rows["add"].ETag);
        Assert.Equal("a\r\n--changeset_x\nb\u2028c}{\"d\"", rows["add"].GetString("Text"));
        Assert.Equal(etags[1], rows["replace"].ETag);
    }

    [Fact]
    public async Task AConflictInTheThirdOperationRollsBackTheOthers()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(new TableEntity("p", "c") { ["V"] = 0 });

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() =>
            table.SubmitTransactionAsync([Add("p", "a", 1), Add("p", "b", 1), Add("p", "c", 1), Add("p", "d", 1)]));

        Assert.Equal(2, error.FailedIndex);
        Assert.Equal(409, error.Status);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.IsAssignableFrom<StorageException>(error);
        Assert.Contains("operation 2", error.Message, StringComparison.Ordinal);
        Assert.Null(await table.GetAsync("p", "a"));
        Assert.Null(await table.GetAsync("p", "b"));
        Assert.Null(await table.GetAsync("p", "d"));
        Assert.Equal(0, (await table.GetAsync("p", "c"))!.GetInt32("V"));
    }

    [Fact]
    public async Task AStaleETagInABatchFails412AndNothingIsApplied()
    {
        var table = await NewTableAsync();
        var stale = await table.InsertAsync(new TableEntity("p", "x") { ["V"] = 1 });
        await table.ReplaceAsync(new TableEntity("p", "x") { ["V"] = 2 }, stale);

        var replace = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            Add("p", "new", 1),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "x") { ["V"] = 3 }, stale),
        ]));
        var merge = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
            [new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "x") { ["V"] = 3, ETag = stale })]));
        var delete = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
            [Add("p", "new", 1), Add("p", "new2", 1), new(TableTransactionActionType.Delete, new TableEntity("p", "x"), stale)]));

        Assert.Equal((412, 1), (replace.Status, replace.FailedIndex));
        Assert.Equal((412, 0), (merge.Status, merge.FailedIndex));
        Assert.Equal((412, 2), (delete.Status, delete.FailedIndex));
        Assert.Null(await table.GetAsync("p", "new"));
        Assert.Equal(2, (await table.GetAsync("p", "x"))!.GetInt32("V"));
    }

    [Fact]
    public async Task UpdatingAMissingEntityInABatchFails404()
    {
        var table = await NewTableAsync();

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
            [Add("p", "a"), new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "missing"))]));

        Assert.Equal((404, 1), (error.Status, error.FailedIndex));
        Assert.Null(await table.GetAsync("p", "a"));
    }

    [Fact]
    public async Task AHundredOperationsGoThrough()
    {
        var table = await NewTableAsync();

        var etags = await table.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(i => Add("p", $"r{i:D3}", i)).ToList());

        Assert.Equal(100, etags.Count);
        Assert.All(etags, e => Assert.False(string.IsNullOrEmpty(e)));
        var count = 0;
        await foreach (var _ in table.QueryAsync("PartitionKey eq 'p'")) count++;
        Assert.Equal(100, count);
    }

    [Fact]
    public async Task InvalidBatchesAreRefusedWithoutAnyRequest()
    {
        var (account, handler) = StorageTestEnvironment.RecordingAccount();
        var table = account.GetTableClient("orders");

        var empty = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync([]));
        var tooMany = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(Enumerable.Range(0, 101).Select(i => Add("p", $"r{i}")).ToList()));
        var crossPartition = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync([Add("p1", "a"), Add("p2", "b")]));
        var sameRow = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(
            [Add("p", "a"), new(TableTransactionActionType.Delete, new TableEntity("p", "a"))]));

        Assert.Empty(handler.Requests);
        Assert.Contains("at least one", empty.Message, StringComparison.Ordinal);
        Assert.Contains("101", tooMany.Message, StringComparison.Ordinal);
        Assert.Contains("partition key", crossPartition.Message, StringComparison.Ordinal);
        Assert.Contains("more than once", sameRow.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchBodyUsesCrlfAbsoluteUrlsAndOneChangeset()
    {
        var table = StorageAccount.Parse("UseDevelopmentStorage=true").GetTableClient("orders");
        var batchId = Guid.Parse("11111111-1111-1111-1111-111111111111");
        var changesetId = Guid.Parse("22222222-2222-2222-2222-222222222222");

        using var body = TableBatch.WriteBody(table, [Add("p", "a", 1), new(TableTransactionActionType.Delete, new TableEntity("p", "b"), "W/\"datetime'x'\"")], batchId, changesetId);
        var text = System.Text.Encoding.UTF8.GetString(body.WrittenSpan);

        Assert.Equal(
            "--batch_11111111-1111-1111-1111-111111111111\r\n" +
            "Content-Type: multipart/mixed; boundary=changeset_22222222-2222-2222-2222-222222222222\r\n\r\n" +
            "--changeset_22222222-2222-2222-2222-222222222222\r\n" +
            "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "POST http://127.0.0.1:10002/devstoreaccount1/orders HTTP/1.1\r\n" +
            "Accept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\nPrefer: return-no-content\r\n" +
            "Content-Type: application/json\r\n\r\n" +
            "{\"PartitionKey\":\"p\",\"RowKey\":\"a\",\"V\":1}\r\n" +
            "--changeset_22222222-2222-2222-2222-222222222222\r\n" +
            "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "DELETE http://127.0.0.1:10002/devstoreaccount1/orders(PartitionKey='p',RowKey='b') HTTP/1.1\r\n" +
            "Accept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\nIf-Match: W/\"datetime'x'\"\r\n\r\n" +
            "--changeset_22222222-2222-2222-2222-222222222222--\r\n" +
            "--batch_11111111-1111-1111-1111-111111111111--\r\n",
            text);
    }

    [Fact]
    public void ResponseParsingReadsEveryETagAndLeavesDeletesNull()
    {
        var actions = new List<TableTransactionAction> { Add("p", "a"), new(TableTransactionActionType.Delete, new TableEntity("p", "b")), Add("p", "c") };
        var body =
            "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n\r\n" +
            "--changesetresponse_2\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 204 No Content\r\nX-Content-Type-Options: nosniff\r\nETag: W/\"datetime'2026-01-01T00%3A00%3A00.1Z'\"\r\n\r\n" +
            "--changesetresponse_2\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 204 No Content\r\nDataServiceVersion: 1.0;\r\n\r\n" +
            "--changesetresponse_2\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 201 Created\r\nEtag: W/\"0x8D101F7E4B662C4\"\r\nContent-Type: application/json\r\n\r\n{\"PartitionKey\":\"p\"}\r\n" +
            "--changesetresponse_2--\r\n--batchresponse_1--\r\n";

        var etags = TableBatch.ParseResponse(System.Text.Encoding.UTF8.GetBytes(body), actions);

        Assert.Equal(["W/\"datetime'2026-01-01T00%3A00%3A00.1Z'\"", null, "W/\"0x8D101F7E4B662C4\""], etags);
    }

    [Fact]
    public void ResponseParsingReportsAzureStyleFailuresWithIndexStatusAndCode()
    {
        var actions = Enumerable.Range(0, 3).Select(i => Add("p", $"r{i}")).ToList();
        // The sample error response of "Performing entity group transactions" in the Table service documentation.
        var body =
            "--batchresponse_7ab1c271\r\nContent-Type: multipart/mixed; boundary=changesetresponse_6cc8\r\n\r\n" +
            "--changesetresponse_6cc8\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 412 Precondition Failed\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nDataServiceVersion: 3.0;\r\n" +
            "Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n" +
            "{\"odata.error\":{\"code\":\"UpdateConditionNotSatisfied\",\"message\":{\"lang\":\"en-US\",\"value\":\"1:The update condition specified in the request was not satisfied.\\nRequestId:5c2f7a9c\\nTime:2026-01-01T00:00:00.0Z\"}}}\r\n" +
            "--changesetresponse_6cc8--\r\n--batchresponse_7ab1c271--\r\n";

        var error = Assert.Throws<TableTransactionFailedException>(() => TableBatch.ParseResponse(System.Text.Encoding.UTF8.GetBytes(body), actions));

        Assert.Equal(412, error.Status);
        Assert.Equal(1, error.FailedIndex);
        Assert.Equal("UpdateConditionNotSatisfied", error.ErrorCode);
        Assert.IsAssignableFrom<StorageException>(error);
        Assert.Contains("The update condition specified in the request was not satisfied.", error.Message, StringComparison.Ordinal);
    }
}

using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Marketplace.Storage.Tables;

/// <summary>
/// One table of the Table service (REST over Azure.Core's pipeline): entity CRUD with ETag concurrency, queries with
/// continuation, and entity-group transactions. Thread-safe; cheap to create (it shares the account's pipeline).
/// </summary>
public sealed class TableClient
{
    internal const string AcceptMinimalMetadata = "application/json;odata=minimalmetadata";
    internal const string JsonContentType = "application/json";
    private static readonly RequestMethod Merge = new("MERGE");

    private readonly HttpPipeline _pipeline;
    private readonly string _tableUri;

    internal TableClient(StorageAccount account, string tableName)
    {
        ValidateTableName(tableName);
        Account = account;
        Name = tableName;
        _pipeline = account.Pipeline;
        _tableUri = StorageAccount.Trim(account.TableEndpoint) + "/" + tableName;
        TableUriUtf8 = Encoding.UTF8.GetBytes(_tableUri);
    }

    public string Name { get; }

    public Uri Uri => new(_tableUri);

    internal StorageAccount Account { get; }

    /// <summary>The table's absolute URI as UTF-8, used for batch sub-requests.</summary>
    internal byte[] TableUriUtf8 { get; }

    /// <summary>Creates the table; returns false if it already existed.</summary>
    public Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default) =>
        TableServiceClient.CreateTableIfNotExistsAsync(Account, Name, cancellationToken);

    /// <summary>Deletes the table; returns false if it did not exist.</summary>
    public Task<bool> DeleteAsync(CancellationToken cancellationToken = default) =>
        TableServiceClient.DeleteTableAsync(Account, Name, cancellationToken);

    /// <summary>Inserts a new entity and returns its ETag. Throws <see cref="StorageConflictException"/> if it exists.</summary>
    public async Task<string> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var body = SerializeEntity(entity);
        using var message = CreateMessage(RequestMethod.Post, _tableUri);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJsonBody(message, body);
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status is not (201 or 204)) throw StorageHttp.CreateException(response, StorageService.Table, "Insert entity");
        return RequireETag(response);
    }

    /// <summary>Reads one entity, or null if it does not exist. <paramref name="select"/> limits the properties returned.</summary>
    public async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, IReadOnlyList<string>? select = null, CancellationToken cancellationToken = default)
    {
        var uri = EntityUri(partitionKey, rowKey);
        if (select is { Count: > 0 }) uri += "?$select=" + Uri.EscapeDataString(string.Join(',', select));
        using var message = CreateMessage(RequestMethod.Get, uri);
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404)
        {
            var error = StorageHttp.CreateException(response, StorageService.Table, "Get entity");
            if (error.ErrorCode == "TableNotFound") throw error;
            return null;
        }

        if (response.Status != 200) throw StorageHttp.CreateException(response, StorageService.Table, "Get entity");
        var entity = TableEntityJson.ReadSingle(response.Content.ToMemory().Span);
        if (response.Headers.TryGetValue("ETag", out var etag)) entity.ETag = etag;
        return entity;
    }

    /// <summary>Replaces an existing entity if its ETag matches <paramref name="ifMatch"/> ("*" = any); returns the new ETag.</summary>
    public Task<string> ReplaceAsync(TableEntity entity, string ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        return WriteEntityAsync(RequestMethod.Put, entity, ifMatch, "Replace entity", cancellationToken);
    }

    /// <summary>Merges into an existing entity if its ETag matches <paramref name="ifMatch"/> ("*" = any); returns the new ETag.</summary>
    public Task<string> MergeAsync(TableEntity entity, string ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        return WriteEntityAsync(Merge, entity, ifMatch, "Merge entity", cancellationToken);
    }

    /// <summary>Insert-or-replace / insert-or-merge without a condition; returns the new ETag.</summary>
    public Task<string> UpsertAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default) =>
        WriteEntityAsync(mode == TableUpdateMode.Replace ? RequestMethod.Put : Merge, entity, null, "Upsert entity", cancellationToken);

    /// <summary>
    /// Deletes an entity if its ETag matches <paramref name="ifMatch"/> ("*" = any). Returns false if it did not exist;
    /// throws <see cref="StoragePreconditionFailedException"/> on an ETag mismatch.
    /// </summary>
    public async Task<bool> DeleteEntityAsync(string partitionKey, string rowKey, string ifMatch = "*", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        using var message = CreateMessage(RequestMethod.Delete, EntityUri(partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", ifMatch);
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 204) return true;
        var error = StorageHttp.CreateException(response, StorageService.Table, "Delete entity");
        if (response.Status == 404 && error.ErrorCode != "TableNotFound") return false;
        throw error;
    }

    /// <summary>
    /// One page of a query. <paramref name="top"/> caps the page (the service caps it at 1,000); pass the previous
    /// page's <see cref="TablePage.Continuation"/> to get the next one.
    /// </summary>
    public async Task<TablePage> QueryPageAsync(string? filter, IReadOnlyList<string>? select = null, int? top = null, TableContinuation? continuation = null, CancellationToken cancellationToken = default)
    {
        if (top is <= 0 or > 1000) throw new ArgumentOutOfRangeException(nameof(top), top, "top must be between 1 and 1000.");
        var uri = new StringBuilder(_tableUri.Length + 64).Append(_tableUri).Append("()");
        var separator = '?';
        void Add(string name, string value)
        {
            uri.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        if (!string.IsNullOrWhiteSpace(filter)) Add("$filter", filter);
        if (select is { Count: > 0 }) Add("$select", string.Join(',', select));
        if (top is not null) Add("$top", top.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (continuation is not null)
        {
            Add("NextPartitionKey", continuation.NextPartitionKey);
            if (continuation.NextRowKey is not null) Add("NextRowKey", continuation.NextRowKey);
        }

        using var message = CreateMessage(RequestMethod.Get, uri.ToString());
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200) throw StorageHttp.CreateException(response, StorageService.Table, "Query entities");
        var items = TableEntityJson.ReadQueryResponse(response.Content.ToMemory().Span);
        TableContinuation? next = null;
        if (response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPk) && !string.IsNullOrEmpty(nextPk))
        {
            response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRk);
            next = new TableContinuation(nextPk, string.IsNullOrEmpty(nextRk) ? null : nextRk);
        }

        return new TablePage(items, next);
    }

    /// <summary>All entities matching <paramref name="filter"/>, following continuations page by page.</summary>
    public async IAsyncEnumerable<TableEntity> QueryAsync(string? filter, IReadOnlyList<string>? select = null, int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TableContinuation? continuation = null;
        do
        {
            var page = await QueryPageAsync(filter, select, pageSize, continuation, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items) yield return item;
            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <summary>
    /// Submits an entity-group transaction: all operations succeed or none is applied. Returns each operation's new
    /// ETag (null for deletes). Refuses, before any I/O, an empty batch, more than 100 operations, operations on more
    /// than one partition key and two operations on the same row. On failure throws
    /// <see cref="TableTransactionFailedException"/> naming the failing operation's index and status.
    /// </summary>
    public async Task<IReadOnlyList<string?>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        TableBatch.Validate(actions);
        var batchId = Guid.NewGuid();
        using var body = TableBatch.WriteBody(this, actions, batchId, Guid.NewGuid());
        using var message = CreateMessage(RequestMethod.Post, StorageAccount.Trim(Account.TableEndpoint) + "/$batch");
        message.Request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=batch_" + batchId.ToString("D"));
        message.Request.Content = RequestContent.Create(body.WrittenMemory);
        // Read the (multi-KB) response into a pooled buffer rather than Azure.Core's growing MemoryStream.
        message.BufferResponse = false;
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 202)
        {
            throw await StorageHttp.CreateExceptionFromStreamAsync(response, StorageService.Table, "Entity group transaction", cancellationToken).ConfigureAwait(false);
        }

        using var responseBody = new PooledBufferWriter(actions.Count * 512);
        if (response.ContentStream is { } stream)
        {
            int read;
            while ((read = await stream.ReadAsync(responseBody.GetMemory(16 * 1024), cancellationToken).ConfigureAwait(false)) > 0)
            {
                responseBody.Advance(read);
            }
        }

        return TableBatch.ParseResponse(responseBody.WrittenSpan, actions);
    }

    internal HttpMessage CreateMessage(RequestMethod method, string uri)
    {
        var message = StorageHttp.CreateMessage(_pipeline, StorageService.Table, method, uri);
        var headers = message.Request.Headers;
        headers.SetValue("Accept", AcceptMinimalMetadata);
        headers.SetValue("DataServiceVersion", "3.0");
        headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }

    /// <summary>The entity's URI: <c>{table}(PartitionKey='pk',RowKey='rk')</c>, keys quoted and percent-encoded.</summary>
    internal string EntityUri(string partitionKey, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        return _tableUri + EntityKeySegment(partitionKey, rowKey);
    }

    internal static string EntityKeySegment(string partitionKey, string rowKey) =>
        "(PartitionKey='" + EscapeKey(partitionKey) + "',RowKey='" + EscapeKey(rowKey) + "')";

    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private async Task<string> WriteEntityAsync(RequestMethod method, TableEntity entity, string? ifMatch, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var body = SerializeEntity(entity);
        using var message = CreateMessage(method, EntityUri(entity.PartitionKey, entity.RowKey));
        if (ifMatch is not null) message.Request.Headers.SetValue("If-Match", ifMatch);
        SetJsonBody(message, body);
        var response = await StorageHttp.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 204) throw StorageHttp.CreateException(response, StorageService.Table, operation);
        return RequireETag(response);
    }

    private static PooledBufferWriter SerializeEntity(TableEntity entity)
    {
        var buffer = new PooledBufferWriter(512);
        using var writer = new Utf8JsonWriter(buffer, TableEntityJson.WriterOptions);
        TableEntityJson.Write(writer, entity);
        writer.Flush();
        return buffer;
    }

    private static void SetJsonBody(HttpMessage message, PooledBufferWriter body)
    {
        message.Request.Headers.SetValue("Content-Type", JsonContentType);
        message.Request.Content = RequestContent.Create(body.WrittenMemory);
    }

    private static string RequireETag(Response response) =>
        response.Headers.TryGetValue("ETag", out var etag) && !string.IsNullOrEmpty(etag)
            ? etag
            : throw new StorageException(response.Status, null, "The Table service answered without an ETag.");

    /// <summary>Table names: 3-63 letters and digits, starting with a letter.</summary>
    internal static void ValidateTableName(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        if (tableName.Length is < 3 or > 63 || !char.IsAsciiLetter(tableName[0]) || !tableName.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"'{tableName}' is not a valid table name (3-63 ASCII letters and digits, starting with a letter).", nameof(tableName));
        }
    }
}

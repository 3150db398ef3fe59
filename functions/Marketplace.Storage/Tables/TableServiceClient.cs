using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Azure.Core;

namespace Marketplace.Storage.Tables;

/// <summary>Account-level table operations: create, delete and list tables.</summary>
public sealed class TableServiceClient
{
    private readonly StorageAccount _account;

    internal TableServiceClient(StorageAccount account)
    {
        _account = account;
    }

    public TableClient GetTableClient(string table) => _account.GetTableClient(table);

    /// <summary>Creates the table; returns false if it already existed.</summary>
    public Task<bool> CreateTableIfNotExistsAsync(string tableName, CancellationToken cancellationToken = default)
    {
        TableClient.ValidateTableName(tableName);
        return CreateTableIfNotExistsAsync(_account, tableName, cancellationToken);
    }

    /// <summary>Deletes the table; returns false if it did not exist.</summary>
    public Task<bool> DeleteTableAsync(string tableName, CancellationToken cancellationToken = default)
    {
        TableClient.ValidateTableName(tableName);
        return DeleteTableAsync(_account, tableName, cancellationToken);
    }

    /// <summary>Table names, optionally only those starting with <paramref name="prefix"/>, following continuations.</summary>
    public async IAsyncEnumerable<string> ListTablesAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? nextTableName = null;
        var tablesUri = StorageAccount.Trim(_account.TableEndpoint) + "/Tables";
        do
        {
            var uri = new StringBuilder(tablesUri);
            var separator = '?';
            if (!string.IsNullOrEmpty(prefix))
            {
                var filter = TableFilter.StartsWith("TableName", prefix);
                uri.Append(separator).Append("$filter=").Append(Uri.EscapeDataString(filter));
                separator = '&';
            }

            if (nextTableName is not null) uri.Append(separator).Append("NextTableName=").Append(Uri.EscapeDataString(nextTableName));
            var names = new List<string>();
            using (var message = CreateMessage(_account, RequestMethod.Get, uri.ToString()))
            {
                var response = await StorageHttp.SendAsync(_account.Pipeline, message, cancellationToken).ConfigureAwait(false);
                if (response.Status != 200) throw StorageHttp.CreateException(response, StorageService.Table, "List tables");
                using var document = JsonDocument.Parse(response.Content.ToMemory());
                if (document.RootElement.TryGetProperty("value", out var value))
                {
                    foreach (var table in value.EnumerateArray())
                    {
                        if (table.TryGetProperty("TableName", out var name) && name.GetString() is { } text) names.Add(text);
                    }
                }

                response.Headers.TryGetValue("x-ms-continuation-NextTableName", out nextTableName);
                if (string.IsNullOrEmpty(nextTableName)) nextTableName = null;
            }

            foreach (var name in names) yield return name;
        }
        while (nextTableName is not null);
    }

    internal static async Task<bool> CreateTableIfNotExistsAsync(StorageAccount account, string tableName, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(account, RequestMethod.Post, StorageAccount.Trim(account.TableEndpoint) + "/Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Headers.SetValue("Content-Type", TableClient.JsonContentType);
        message.Request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = tableName }));
        var response = await StorageHttp.SendAsync(account.Pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status is 201 or 204) return true;
        var error = StorageHttp.CreateException(response, StorageService.Table, $"Create table '{tableName}'");
        if (response.Status == 409 && error.ErrorCode is null or "TableAlreadyExists") return false;
        throw error;
    }

    internal static async Task<bool> DeleteTableAsync(StorageAccount account, string tableName, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(account, RequestMethod.Delete, StorageAccount.Trim(account.TableEndpoint) + "/Tables('" + tableName + "')");
        var response = await StorageHttp.SendAsync(account.Pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 204) return true;
        if (response.Status == 404) return false;
        throw StorageHttp.CreateException(response, StorageService.Table, $"Delete table '{tableName}'");
    }

    private static HttpMessage CreateMessage(StorageAccount account, RequestMethod method, string uri)
    {
        var message = StorageHttp.CreateMessage(account.Pipeline, StorageService.Table, method, uri);
        message.Request.Headers.SetValue("Accept", TableClient.AcceptMinimalMetadata);
        message.Request.Headers.SetValue("DataServiceVersion", "3.0");
        message.Request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }
}

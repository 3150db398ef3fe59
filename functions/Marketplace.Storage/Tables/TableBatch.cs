using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Marketplace.Storage.Tables;

/// <summary>
/// Entity-group transaction wire format: a multipart/mixed body (CRLF line endings) holding one changeset whose parts
/// are HTTP sub-requests with absolute URLs. Written straight into a pooled UTF-8 buffer with one reused
/// <see cref="Utf8JsonWriter"/>; the response bytes are searched (vectorised) for each sub-response's status and ETag.
/// </summary>
internal static class TableBatch
{
    internal const int MaxOperations = 100;

    private static readonly byte[] Crlf = "\r\n"u8.ToArray();
    private static readonly byte[] PartHeaders = "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"u8.ToArray();
    private static readonly byte[] SubRequestHeaders = " HTTP/1.1\r\nAccept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\n"u8.ToArray();
    private static readonly byte[] JsonContentTypeHeader = "Content-Type: application/json\r\n"u8.ToArray();
    private static readonly byte[] PreferNoContent = "Prefer: return-no-content\r\n"u8.ToArray();
    private static readonly byte[] Post = "POST "u8.ToArray();
    private static readonly byte[] Put = "PUT "u8.ToArray();
    private static readonly byte[] Merge = "MERGE "u8.ToArray();
    private static readonly byte[] Delete = "DELETE "u8.ToArray();
    private static readonly byte[] IfMatchHeader = "If-Match: "u8.ToArray();

    /// <summary>Refuses what Azure would refuse (Azurite does not check all of it), before any I/O.</summary>
    internal static void Validate(IReadOnlyList<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0) throw new ArgumentException("A transaction needs at least one operation.", nameof(actions));
        if (actions.Count > MaxOperations)
        {
            throw new ArgumentException($"A transaction holds at most {MaxOperations} operations; got {actions.Count}.", nameof(actions));
        }

        var partitionKey = actions[0]?.Entity?.PartitionKey;
        var rows = new HashSet<string>(actions.Count, StringComparer.Ordinal);
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i] ?? throw new ArgumentException($"Operation {i} is null.", nameof(actions));
            var entity = action.Entity ?? throw new ArgumentException($"Operation {i} has no entity.", nameof(actions));
            if (!Enum.IsDefined(action.Type)) throw new ArgumentException($"Operation {i} has an unknown type {action.Type}.", nameof(actions));
            if (!string.Equals(entity.PartitionKey, partitionKey, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"All operations of a transaction must share one partition key: operation {i} has '{entity.PartitionKey}', operation 0 has '{partitionKey}'.",
                    nameof(actions));
            }

            if (!rows.Add(entity.RowKey))
            {
                throw new ArgumentException($"Row '{entity.RowKey}' appears more than once in the transaction (operation {i}).", nameof(actions));
            }
        }
    }

    internal static PooledBufferWriter WriteBody(TableClient table, IReadOnlyList<TableTransactionAction> actions, Guid batchId, Guid changesetId)
    {
        var batchBoundary = Encoding.ASCII.GetBytes("--batch_" + batchId.ToString("D"));
        var changesetName = "changeset_" + changesetId.ToString("D");
        var changesetBoundary = Encoding.ASCII.GetBytes("--" + changesetName);
        var buffer = new PooledBufferWriter(1024 + actions.Count * 640);
        try
        {
            buffer.Write(batchBoundary);
            buffer.Write(Crlf);
            buffer.Write("Content-Type: multipart/mixed; boundary=" + changesetName + "\r\n\r\n");
            using var json = new Utf8JsonWriter(buffer, TableEntityJson.WriterOptions);
            foreach (var action in actions)
            {
                buffer.Write(changesetBoundary);
                buffer.Write(Crlf);
                buffer.Write(PartHeaders);
                var (method, hasBody, conditional) = action.Type switch
                {
                    TableTransactionActionType.Add => (Post, true, false),
                    TableTransactionActionType.UpdateReplace => (Put, true, true),
                    TableTransactionActionType.UpdateMerge => (Merge, true, true),
                    TableTransactionActionType.UpsertReplace => (Put, true, false),
                    TableTransactionActionType.UpsertMerge => (Merge, true, false),
                    _ => (Delete, false, true),
                };
                buffer.Write(method);
                buffer.Write(table.TableUriUtf8);
                if (action.Type != TableTransactionActionType.Add)
                {
                    buffer.Write(TableClient.EntityKeySegment(action.Entity.PartitionKey, action.Entity.RowKey));
                }

                buffer.Write(SubRequestHeaders);
                if (action.Type == TableTransactionActionType.Add) buffer.Write(PreferNoContent);
                if (conditional)
                {
                    buffer.Write(IfMatchHeader);
                    buffer.Write(action.IfMatch ?? action.Entity.ETag ?? "*");
                    buffer.Write(Crlf);
                }

                if (hasBody)
                {
                    buffer.Write(JsonContentTypeHeader);
                    buffer.Write(Crlf);
                    json.Reset(buffer);
                    TableEntityJson.Write(json, action.Entity);
                    json.Flush();
                }

                buffer.Write(Crlf);
            }

            buffer.Write(changesetBoundary);
            buffer.Write("--\r\n"u8);
            buffer.Write(batchBoundary);
            buffer.Write("--\r\n"u8);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the multipart response: one sub-response per operation on success; on failure a single sub-response with
    /// the failing status and an OData error whose message starts with "index:". Works on the UTF-8 bytes (vectorised
    /// searches for the status lines), allocating only the ETag strings.
    /// </summary>
    internal static IReadOnlyList<string?> ParseResponse(ReadOnlySpan<byte> body, IReadOnlyList<TableTransactionAction> actions)
    {
        var etags = new string?[actions.Count];
        var responses = 0;
        var rest = body;
        while (true)
        {
            var statusLine = rest.IndexOf("HTTP/1.1 "u8);
            if (statusLine < 0) break;
            rest = rest[(statusLine + 9)..];
            if (rest.Length < 3 || !int.TryParse(rest[..3], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            {
                throw new StorageException(202, null, "Entity group transaction: malformed sub-response status line.");
            }

            responses++;
            var headerEnd = rest.IndexOf("\r\n\r\n"u8);
            var headers = headerEnd < 0 ? rest : rest[..headerEnd];
            if (status >= 300)
            {
                var errorBody = headerEnd < 0 ? ReadOnlySpan<byte>.Empty : rest[(headerEnd + 4)..];
                var boundary = errorBody.IndexOf("\r\n--"u8);
                if (boundary >= 0) errorBody = errorBody[..boundary];
                throw CreateFailure(status, Encoding.UTF8.GetString(errorBody), actions.Count);
            }

            if (responses <= etags.Length && actions[responses - 1].Type != TableTransactionActionType.Delete)
            {
                etags[responses - 1] = FindHeader(headers, "\nETag:"u8) ?? FindHeader(headers, "\netag:"u8) ?? FindHeader(headers, "\nEtag:"u8);
            }

            rest = headerEnd < 0 ? ReadOnlySpan<byte>.Empty : rest[(headerEnd + 4)..];
        }

        if (responses != actions.Count)
        {
            throw new StorageException(202, null, $"Entity group transaction: expected {actions.Count} sub-responses, read {responses}.");
        }

        return etags;
    }

    private static string? FindHeader(ReadOnlySpan<byte> headers, ReadOnlySpan<byte> prefix)
    {
        var start = headers.IndexOf(prefix);
        if (start < 0) return null;
        var value = headers[(start + prefix.Length)..];
        var end = value.IndexOf((byte)'\r');
        if (end >= 0) value = value[..end];
        return Encoding.UTF8.GetString(value.Trim((byte)' '));
    }

    private static TableTransactionFailedException CreateFailure(int status, string? body, int count)
    {
        string? code = null, detail = null;
        if (!string.IsNullOrWhiteSpace(body)) (code, detail) = StorageHttp.ParseJsonError(body.Trim());
        int? failedIndex = null;
        if (detail is not null)
        {
            var colon = detail.IndexOf(':');
            if (colon > 0 && int.TryParse(detail.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed < count)
            {
                failedIndex = parsed;
                detail = detail[(colon + 1)..];
            }
        }

        if (failedIndex is null && count == 1) failedIndex = 0;
        var firstLine = detail?.Split('\n', 2)[0].Trim();
        var message = $"Entity group transaction failed: operation {(failedIndex?.ToString(CultureInfo.InvariantCulture) ?? "?")} answered {status}" +
                      (code is null ? string.Empty : $" ({code})") +
                      (string.IsNullOrEmpty(firstLine) ? string.Empty : $": {firstLine}");
        return new TableTransactionFailedException(status, code, failedIndex, message);
    }
}

namespace Marketplace.Storage.Tables;

/// <summary>How an upsert treats an existing entity.</summary>
public enum TableUpdateMode
{
    /// <summary>Insert or Replace: the stored entity becomes exactly the given one.</summary>
    Replace,

    /// <summary>Insert or Merge: given properties overwrite, others are kept.</summary>
    Merge,
}

/// <summary>Where the next page of a query starts (x-ms-continuation-NextPartitionKey / NextRowKey).</summary>
public sealed record TableContinuation(string NextPartitionKey, string? NextRowKey);

/// <summary>One page of query results; <see cref="Continuation"/> is null on the last page.</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Items, TableContinuation? Continuation);

/// <summary>The kind of one operation in an entity-group transaction.</summary>
public enum TableTransactionActionType
{
    /// <summary>Insert; fails with 409 if the entity exists.</summary>
    Add,

    /// <summary>Replace an existing entity (If-Match: the action's IfMatch, else the entity's ETag, else "*").</summary>
    UpdateReplace,

    /// <summary>Merge into an existing entity (If-Match as for <see cref="UpdateReplace"/>).</summary>
    UpdateMerge,

    /// <summary>Insert or Replace (no condition).</summary>
    UpsertReplace,

    /// <summary>Insert or Merge (no condition).</summary>
    UpsertMerge,

    /// <summary>Delete (If-Match as for <see cref="UpdateReplace"/>).</summary>
    Delete,
}

/// <summary>One operation of an entity-group transaction.</summary>
/// <param name="Type">What to do.</param>
/// <param name="Entity">The entity (for Delete only its keys matter).</param>
/// <param name="IfMatch">
/// The If-Match ETag for UpdateReplace, UpdateMerge and Delete; when null the entity's <see cref="TableEntity.ETag"/>
/// is used, and "*" (unconditional) when that is null too. Ignored by the other types.
/// </param>
public sealed record TableTransactionAction(TableTransactionActionType Type, TableEntity Entity, string? IfMatch = null);

/// <summary>
/// An entity-group transaction failed and nothing of it was applied. <see cref="StorageException.Status"/> is the
/// failing operation's status (409 exists, 412 ETag mismatch, 404 missing, 400 bad request) and
/// <see cref="FailedIndex"/> its index in the submitted list, when the service names it.
/// </summary>
public sealed class TableTransactionFailedException(int status, string? errorCode, int? failedIndex, string message)
    : StorageException(status, errorCode, message)
{
    /// <summary>Zero-based index of the operation that failed, or null when the service did not say.</summary>
    public int? FailedIndex { get; } = failedIndex;
}

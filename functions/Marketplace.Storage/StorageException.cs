namespace Marketplace.Storage;

/// <summary>
/// A storage operation failed. <see cref="Status"/> is the HTTP status (0 when no response arrived) and
/// <see cref="ErrorCode"/> the service's error code (e.g. <c>EntityAlreadyExists</c>, <c>ConditionNotMet</c>).
/// </summary>
public class StorageException : Exception
{
    public StorageException(int status, string? errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>HTTP status code of the failed operation; 0 when the request never got a response.</summary>
    public int Status { get; }

    /// <summary>Service error code (x-ms-error-code header or the error body), when known.</summary>
    public string? ErrorCode { get; }

    /// <summary>The service's request id (x-ms-request-id), when known.</summary>
    public string? RequestId { get; internal set; }

    /// <summary>Creates the most specific exception type for <paramref name="status"/>.</summary>
    public static StorageException Create(int status, string? errorCode, string message, Exception? innerException = null) =>
        status switch
        {
            404 => new StorageNotFoundException(errorCode, message, innerException),
            409 => new StorageConflictException(errorCode, message, innerException),
            412 => new StoragePreconditionFailedException(errorCode, message, innerException),
            _ => new StorageException(status, errorCode, message, innerException),
        };
}

/// <summary>404: the table, entity, container, blob, queue or message does not exist.</summary>
public class StorageNotFoundException(string? errorCode, string message, Exception? innerException = null)
    : StorageException(404, errorCode, message, innerException);

/// <summary>409: the resource already exists (or is being deleted).</summary>
public class StorageConflictException(string? errorCode, string message, Exception? innerException = null)
    : StorageException(409, errorCode, message, innerException);

/// <summary>412: an If-Match / If-None-Match condition failed (optimistic concurrency).</summary>
public class StoragePreconditionFailedException(string? errorCode, string message, Exception? innerException = null)
    : StorageException(412, errorCode, message, innerException);

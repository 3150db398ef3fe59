namespace Marketplace.Core.Common;

/// <summary>How an error maps onto HTTP (the hosts translate; the core never names status codes).</summary>
public enum ErrorKind
{
    BadRequest,   // 400 malformed input
    Unauthorized, // 401 no or bad credentials
    Forbidden,    // 403 wrong party
    NotFound,     // 404 unknown or not yours
    Conflict,     // 409 not allowed in the current state, or a concurrent change
    TooLarge,     // 413
    UnsupportedMediaType, // 415
    Invalid,      // 422 well-formed but invalid
    TooManyRequests, // 429
    Unavailable,  // 503 try again later
}

/// <summary>A rejection with a stable machine code (e.g. <c>case.invalid-transition</c>) and a human detail.</summary>
public sealed record DomainError(ErrorKind Kind, string Code, string Detail)
{
    /// <summary>When the caller may try again (a 429 or 503): hosts send it as <c>Retry-After</c>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static DomainError Invalid(string code, string detail) => new(ErrorKind.Invalid, code, detail);
    public static DomainError Conflict(string code, string detail) => new(ErrorKind.Conflict, code, detail);
    public static DomainError Forbidden(string detail, string code = "auth.forbidden") => new(ErrorKind.Forbidden, code, detail);
    public static DomainError NotFound(string code, string detail) => new(ErrorKind.NotFound, code, detail);
    public static DomainError BadRequest(string code, string detail) => new(ErrorKind.BadRequest, code, detail);
}

/// <summary>Thrown where a use case cannot return a result; hosts turn it into problem+json.</summary>
public sealed class DomainException(DomainError error) : Exception(error.Detail)
{
    public DomainError Error { get; } = error;

    /// <summary>Throws when a decision was refused; the API turns the exception into its problem+json answer.</summary>
    public static void ThrowIf(DomainError? error)
    {
        if (error is not null) throw new DomainException(error);
    }
}

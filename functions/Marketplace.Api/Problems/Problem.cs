using Marketplace.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Problems;

/// <summary>RFC 9457 problem details with the stable machine <c>code</c> every error of the API carries.</summary>
public static class Problem
{
    public const string ContentType = "application/problem+json";

    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ErrorKind.Invalid => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemDetails Details(int status, string code, string detail, string? instance = null)
    {
        var details = new ProblemDetails
        {
            Status = status,
            Title = TitleOf(status),
            Detail = detail,
            Type = $"https://httpstatuses.io/{status}",
            Instance = instance,
        };
        details.Extensions["code"] = code;
        return details;
    }

    public static IResult Result(DomainError error) => Result(StatusOf(error.Kind), error.Code, error.Detail);

    public static IResult Result(int status, string code, string detail) =>
        Results.Json(Details(status, code, detail), (System.Text.Json.JsonSerializerOptions?)null, ContentType, status);

    /// <summary>A problem with extension members next to <c>code</c> (e.g. a KooGallery <c>error_code</c> for sellers' servers).</summary>
    public static IResult Result(DomainError error, IReadOnlyDictionary<string, object?> extensions, string? instance = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(extensions);
        var status = StatusOf(error.Kind);
        var details = Details(status, error.Code, error.Detail, instance);
        foreach (var (name, value) in extensions) details.Extensions[name] = value;
        return Results.Json(details, (System.Text.Json.JsonSerializerOptions?)null, ContentType, status);
    }

    public static Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        return context.Response.WriteAsJsonAsync(Details(status, code, detail, context.Request.Path), (System.Text.Json.JsonSerializerOptions?)null, ContentType, context.RequestAborted);
    }

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        401 => "Not authenticated",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Payload too large",
        415 => "Unsupported media type",
        422 => "Unprocessable content",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "Server error",
    };
}

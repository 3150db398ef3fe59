using Marketplace.Core.Persistence;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Api.SellerCalls;

/// <summary>JSON written with the core's options (camelCase, enums as camelCase strings), with a status and an optional Location.</summary>
internal sealed class CoreJsonResult(object value, int status, string? location) : IResult
{
    public static IResult Ok(object value) => new CoreJsonResult(value, StatusCodes.Status200OK, null);

    public static IResult Accepted(object value, string? location = null) => new CoreJsonResult(value, StatusCodes.Status202Accepted, location);

    public static IResult Created(string location, object value) => new CoreJsonResult(value, StatusCodes.Status201Created, location);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        if (location is not null) httpContext.Response.Headers.Location = location;
        return httpContext.Response.WriteAsJsonAsync(value, value.GetType(), CoreJson.Options, contentType: "application/json; charset=utf-8", httpContext.RequestAborted);
    }
}

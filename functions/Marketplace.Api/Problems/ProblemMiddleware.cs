using System.Text.Json;
using Marketplace.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Marketplace.Api.Problems;

/// <summary>
/// Turns every failure into problem+json with a stable code: domain rejections thrown from handlers, malformed
/// bodies, oversized bodies, and the bodiless 400/401/403/404/405/413/415 the framework produces. Never a bare 500 page.
/// </summary>
public sealed class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (DomainException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            if (ex.Error.RetryAfter is { } wait) context.Response.Headers.RetryAfter = Limits.SellerServerLimits.RetryAfterSeconds(wait);
            await Problem.WriteAsync(context, Problem.StatusOf(ex.Error.Kind), ex.Error.Code, ex.Error.Detail);
            return;
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var (status, code) = ex.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => (413, "request.too-large"),
                StatusCodes.Status415UnsupportedMediaType => (415, "request.unsupported-media-type"),
                _ when ex.InnerException is JsonException => (400, "validation.malformed-json"),
                >= 400 and < 500 => (ex.StatusCode, "validation.failed"),
                _ => (400, "validation.failed"),
            };
            await Write(context, status, code, ex.InnerException is JsonException je ? $"The request body is not valid JSON: {je.Message}" : ex.Message);
            return;
        }
        catch (JsonException ex) when (!context.Response.HasStarted)
        {
            await Write(context, 400, "validation.malformed-json", $"The request body is not valid JSON: {ex.Message}");
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            logger.LogError(ex, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await Write(context, 500, "server.error", "An unexpected error occurred; it has been logged. Try again later.");
            return;
        }

        if (!context.Response.HasStarted && context.Response.ContentLength is null && string.IsNullOrEmpty(context.Response.ContentType))
        {
            switch (context.Response.StatusCode)
            {
                case 400:
                    await Write(context, 400, "validation.failed", "The request could not be read: check the parameters and the JSON body.");
                    break;
                case 401:
                    await Write(context, 401, "auth.unauthenticated", "A valid bearer token (or seller signature) is required.");
                    break;
                case 403:
                    await Write(context, 403, "auth.forbidden", "Your role may not use this route.");
                    break;
                case 404:
                    await Write(context, 404, "route.not-found", $"No route {context.Request.Method} {context.Request.Path}.");
                    break;
                case 405:
                    await Write(context, 405, "route.method-not-allowed", $"{context.Request.Method} is not allowed on {context.Request.Path}.");
                    break;
                case 413:
                    await Write(context, 413, "request.too-large", "The request body is too large.");
                    break;
                case 415:
                    await Write(context, 415, "request.unsupported-media-type", "Send the body as application/json.");
                    break;
            }
        }
    }

    private static Task Write(HttpContext context, int status, string code, string detail)
    {
        context.Response.Clear();
        return Problem.WriteAsync(context, status, code, detail);
    }
}

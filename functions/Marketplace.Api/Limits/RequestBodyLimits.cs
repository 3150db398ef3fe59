using Marketplace.Api.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Limits;

/// <summary>Section <c>RequestLimits</c>: the body size every route gets unless it enforces its own.</summary>
public sealed class RequestLimitOptions
{
    public const string Section = "RequestLimits";

    /// <summary>Largest request body of a JSON route, in bytes (<c>RequestLimits:MaxBodyBytes</c>, default 1 MiB).</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>
/// Endpoint metadata: the route reads its body under its own configured cap (file uploads: <c>CaseFiles:MaxBytes</c>,
/// <c>Assets:MaxPackageBytes</c>; the usage push: <c>Billing:MaxPushBytes</c>), so the default cap does not apply.
/// </summary>
public sealed class OwnBodyLimit
{
    public static readonly OwnBodyLimit Instance = new();
}

public static class RequestBodyLimits
{
    public const string TooLarge = "request.too-large";

    public static IServiceCollection AddRequestBodyLimits(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<RequestLimitOptions>().Bind(config.GetSection(RequestLimitOptions.Section))
            .Validate(o => o.MaxBodyBytes is >= 1024 and <= 64 * 1024 * 1024, "RequestLimits:MaxBodyBytes must be between 1024 and 67108864.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>Marks a route that enforces its own body limit (see <see cref="OwnBodyLimit"/>).</summary>
    public static RouteHandlerBuilder WithOwnBodyLimit(this RouteHandlerBuilder route) => route.WithMetadata(OwnBodyLimit.Instance);

    public static Task WriteTooLargeAsync(HttpContext http, long limit) =>
        Problem.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, TooLarge, $"The request body is larger than {limit} bytes.");
}

/// <summary>
/// Caps the request body of every route without <see cref="OwnBodyLimit"/> at <see cref="RequestLimitOptions.MaxBodyBytes"/>:
/// a declared Content-Length above it answers 413 at once; a body without one (chunked) is cut when the cap is passed,
/// and the request answers 413 whatever the handler made of the short read. Nothing runs on an over-long body.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<RequestLimitOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<OwnBodyLimit>() is not null)
        {
            await next(context);
            return;
        }

        var limit = options.Value.MaxBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await RequestBodyLimits.WriteTooLargeAsync(context, limit);
            return;
        }

        var original = context.Request.Body;
        await using var capped = new CappedReadStream(original, limit);
        context.Request.Body = capped;
        try
        {
            await next(context);
        }
        catch (Exception) when (capped.Exceeded && !context.Response.HasStarted)
        {
            context.Response.Clear();
            await RequestBodyLimits.WriteTooLargeAsync(context, limit);
            return;
        }
        finally
        {
            context.Request.Body = original;
        }

        // A framework body reader may swallow the read error and answer on its own; the body was too large all the same.
        if (capped.Exceeded && !context.Response.HasStarted)
        {
            context.Response.Clear();
            await RequestBodyLimits.WriteTooLargeAsync(context, limit);
        }
    }

    /// <summary>A read-only view of the request body that fails once more than <c>limit</c> bytes have come through.</summary>
    private sealed class CappedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public bool Exceeded { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
            {
                Exceeded = true;
                throw new BadHttpRequestException($"The request body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        // The inner stream belongs to the server.
        protected override void Dispose(bool disposing) { }
        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

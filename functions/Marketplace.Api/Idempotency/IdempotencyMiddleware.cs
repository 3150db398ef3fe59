using System.Security.Cryptography;
using Marketplace.Api.Identity;
using Marketplace.Api.Problems;
using Marketplace.Core.Persistence;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Api.Idempotency;

/// <summary>
/// A POST from a signed-in person may carry <c>Idempotency-Key</c>: the first response (status, type, body) is kept
/// per caller and key, and a repeat with the same body gets it back unchanged without running again. The same key
/// with a different body is refused (422), and a repeat while the first is still running gets 409. The running request
/// renews its claim every few seconds, so a repeat after a crash takes the key over once the claim goes stale
/// (<see cref="IdempotencyClaims"/>) instead of waiting minutes.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IIdempotencyStore store, TimeProvider time)
{
    public const string Header = "Idempotency-Key";
    private const int MaxKeyLength = 200;
    private const int MaxBufferedBody = 1 << 20;

    public async Task InvokeAsync(HttpContext context)
    {
        var key = context.Request.Headers[Header].ToString();
        var subject = context.User.Identity?.IsAuthenticated == true ? context.User.Subject() : null;
        if (!HttpMethods.IsPost(context.Request.Method) || string.IsNullOrEmpty(key) || subject is null)
        {
            await next(context);
            return;
        }
        if (key.Length > MaxKeyLength)
        {
            await Problem.WriteAsync(context, 400, "idempotency.invalid-key", $"{Header} is at most {MaxKeyLength} characters.");
            return;
        }
        if (context.Request.ContentLength > MaxBufferedBody)
        {
            await next(context); // large uploads are not replayed; they are idempotent by their own keys
            return;
        }

        context.Request.EnableBuffering();
        var hash = await RequestHashAsync(context.Request);
        var scope = $"{subject}|{context.Request.Method}|{context.Request.Path}";
        var claim = await store.BeginAsync(scope, key, hash, context.RequestAborted);
        switch (claim.Outcome)
        {
            case IdempotencyOutcome.Replay:
                await ReplayAsync(context, claim.Response!);
                return;
            case IdempotencyOutcome.Mismatch:
                await Problem.WriteAsync(context, 422, "idempotency.key-reused", $"This {Header} was used for a different request.");
                return;
            case IdempotencyOutcome.InProgress:
                await Problem.WriteAsync(context, 409, "idempotency.in-progress", $"The first request with this {Header} is still running.");
                return;
        }

        context.Features.Set(new IdempotentRequest(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(scope + "\n" + key)))));
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        using var running = new CancellationTokenSource();
        var renewing = RenewWhileRunningAsync(scope, key, running.Token);
        try
        {
            await next(context);
        }
        catch
        {
            await StopAsync(running, renewing);
            await store.AbandonAsync(scope, key, CancellationToken.None);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }

        await StopAsync(running, renewing);

        var status = context.Response.StatusCode;
        if (status >= 500)
            await store.AbandonAsync(scope, key, CancellationToken.None);
        else
            await store.CompleteAsync(scope, key, hash, new StoredResponse(status, context.Response.ContentType,
                context.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, buffer.ToArray()), CancellationToken.None);
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private async Task RenewWhileRunningAsync(string scope, string key, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(IdempotencyClaims.RenewEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await store.RenewAsync(scope, key, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A missed renewal only lets a repeat take the key over sooner; the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task StopAsync(CancellationTokenSource running, Task renewing)
    {
        if (running.IsCancellationRequested) return;
        await running.CancelAsync();
        await renewing;
    }

    private static async Task<string> RequestHashAsync(HttpRequest request)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            sha.AppendData(chunk, 0, read);
        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static async Task ReplayAsync(HttpContext context, StoredResponse response)
    {
        context.Response.StatusCode = response.Status;
        if (response.ContentType is not null) context.Response.ContentType = response.ContentType;
        if (response.Location is not null) context.Response.Headers.Location = response.Location;
        context.Response.Headers["Idempotent-Replayed"] = "true";
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }
}

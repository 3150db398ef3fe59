using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Soak;

/// <summary>A person with a Development token (buyer, seller, ops or reviewer).</summary>
internal sealed record Party(string Subject, string Role, string Token);

/// <summary>
/// An answer. <see cref="Uncertain"/>: an earlier attempt of the same request lost its answer (a kill, a connection
/// reset, a timeout), so the request may have taken effect before this answer; a 409 then may mean "already done".
/// </summary>
internal sealed record Reply(int Status, string Text, bool Uncertain, string What)
{
    private JsonNode? _json;

    public bool Ok => Status is >= 200 and < 300;
    public JsonNode Json => _json ??= JsonNode.Parse(Text) ?? throw new SoakFailure($"{What}: empty body");
    public JsonObject Object => Json.AsObject();
    public string? Code => Status >= 400 && Text.StartsWith('{') ? JsonNode.Parse(Text)?["code"]?.GetValue<string>() : null;

    public string Str(string name) => Json[name]?.GetValue<string>() ?? throw new SoakFailure($"{What}: no '{name}' in {Excerpt}");

    public string Excerpt => Text.Length <= 400 ? Text : Text[..400] + "…";

    /// <summary>Throws unless the status is one of <paramref name="statuses"/>.</summary>
    public Reply Expect(params int[] statuses) =>
        statuses.Contains(Status) ? this : throw new SoakFailure($"{What} answered {Status}{(Uncertain ? " (after a lost answer)" : "")}: {Excerpt}");
}

/// <summary>
/// The clients' HTTP side, as a careful client behaves when its server may die at any moment: while the server is down
/// it waits; a request whose answer is lost (connection refused or reset, timeout) is sent again, a person's POST with
/// the SAME <c>Idempotency-Key</c> (the server replays the first answer, or runs it once if it never ran); a 409
/// <c>idempotency.in-progress</c> (the first try died holding the key) is waited out. A 5xx answered while the server
/// was up, to a request no kill interrupted, is a violation; the request is then sent again as a client would.
/// </summary>
internal sealed class Api : IDisposable
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(6);
    private readonly ServerHost _host;
    private readonly Figures _figures;
    private readonly Violations _violations;
    private readonly HttpClient _http;

    public Api(ServerHost host, Figures figures, Violations violations)
    {
        _host = host;
        _figures = figures;
        _violations = violations;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            MaxConnectionsPerServer = 128,
        })
        {
            BaseAddress = host.BaseUrl,
            Timeout = TimeSpan.FromSeconds(100),
        };
    }

    public Task<Reply> GetAsync(Party who, string path, CancellationToken ct = default) =>
        SendAsync($"GET {path}", () => Request(HttpMethod.Get, path, who), ct);

    /// <summary>A person's POST with a fresh Idempotency-Key, kept across its retries.</summary>
    public Task<Reply> PostAsync(Party who, string path, object body, CancellationToken ct = default)
    {
        var key = Guid.NewGuid().ToString("N");
        var json = JsonSerializer.Serialize(body);
        return SendAsync($"POST {path}", () =>
        {
            var request = Request(HttpMethod.Post, path, who);
            request.Headers.Add("Idempotency-Key", key);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            return request;
        }, ct);
    }

    public Task<Reply> PutAsync(Party who, string path, byte[] bytes, string contentType, CancellationToken ct = default) =>
        SendAsync($"PUT {path}", () =>
        {
            var request = Request(HttpMethod.Put, path, who);
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            return request;
        }, ct);

    /// <summary>Sends <paramref name="build"/>'s request until it is answered (a new request object per attempt).</summary>
    public async Task<Reply> SendAsync(string what, Func<HttpRequestMessage> build, CancellationToken ct = default)
    {
        var uncertain = false;
        var giveUp = DateTime.UtcNow + GiveUpAfter;
        while (true)
        {
            if (DateTime.UtcNow > giveUp) throw new SoakFailure($"{what}: no usable answer within {GiveUpAfter.TotalMinutes} minutes");
            await _host.WaitUpAsync(ct);
            var started = DateTimeOffset.UtcNow;
            try
            {
                using var request = build();
                using var response = await _http.SendAsync(request, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                var status = (int)response.StatusCode;
                if (status >= 500)
                {
                    if (_host.KilledBetween(started, DateTimeOffset.UtcNow))
                    {
                        uncertain = true;
                        continue;
                    }

                    _figures.Operation();
                    _violations.Add("5xx", $"{what} answered {status} at {started:HH:mm:ss.fff} with the server up: {Excerpt(text)}");
                    uncertain = true; // it may have done part of its work; a client sends it again
                    await Task.Delay(1000, ct);
                    continue;
                }

                if (status == 409 && text.Contains("\"idempotency.in-progress\"", StringComparison.Ordinal))
                {
                    _figures.InProgressWait();
                    uncertain = true;
                    await Task.Delay(2000, ct);
                    continue;
                }

                _figures.Operation();
                if (response.Headers.Contains("Idempotent-Replayed")) _figures.Replay();
                return new Reply(status, text, uncertain, what);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                _figures.UnknownOutcome();
                uncertain = true;
                await Task.Delay(300, ct);
            }
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, Party? who)
    {
        var request = new HttpRequestMessage(method, path);
        if (who is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", who.Token);
        return request;
    }

    private static string Excerpt(string text) => text.Length <= 300 ? text : text[..300] + "…";

    public void Dispose() => _http.Dispose();
}

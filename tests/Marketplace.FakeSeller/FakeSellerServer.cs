using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.FakeSeller;

/// <summary>
/// A seller's production server for end-to-end tests. It verifies the platform's V2 base signature (query
/// <c>signature/timestamp/nonce</c>) and Kit signature (<c>x-sign</c> headers) with its own Java-demo-style code,
/// rejects stale timestamps (60 s) and reused nonces with 000001, records every request, and answers per scenario like
/// an idempotent seller: the same orderId + orderLineId always gets the same instanceId (the first businessId).
/// <para>Routes: <c>POST /saasproduce</c> (base activities, License 2.0 code calls included) and <c>POST [/saasproduce]/produceAPI/v2/{kit activity}</c>.</para>
/// </summary>
public sealed partial class FakeSellerServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] KitActivities = ["tenantSync", "applicationSync", "authSync", "singleOrgSync", "allOrgSync"];

    private readonly object _gate = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly Dictionary<string, FakeInstance> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _instanceByOrder = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nonces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeScenario> _byActivity = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeScenario> _byOrder = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private FakeScenario _default = FakeScenario.Succeed();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<string> _accessKeys;
    private IReadOnlyList<string> _kitKeys;
    private WebApplication? _app;
    private int _port;

    private FakeSellerServer(string accessKey, string? kitKey)
    {
        _accessKeys = [accessKey];
        _kitKeys = kitKey is null ? [] : [kitKey];
    }

    public Uri BaseUrl => new($"http://127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>The production interface URL to register: <c>{BaseUrl}saasproduce</c>. Kit calls go to <c>{ProductionUrl}/produceAPI/v2/...</c>.</summary>
    public Uri ProductionUrl => new(BaseUrl, "saasproduce");

    /// <summary>Keys the base signature is accepted under (during a key rotation, both the old and the new one).</summary>
    public IReadOnlyList<string> AccessKeys => Volatile.Read(ref _accessKeys);

    public IReadOnlyList<string> KitKeys => Volatile.Read(ref _kitKeys);

    /// <summary>Add a <c>Body-Sign</c> header to every answer, made with <see cref="ResponseSigningKey"/> (default: the first access key).</summary>
    public bool SignResponses { get; set; }

    public string? ResponseSigningKey { get; set; }

    /// <summary>How far a timestamp may be from the fake's clock; 60 s as in the protocol.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The clock the timestamp check uses.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public bool IsRunning => _app is not null;

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<FakeInstance> Instances
    {
        get
        {
            lock (_gate)
            {
                return [.. _instances.Values];
            }
        }
    }

    public static async Task<FakeSellerServer> StartAsync(string accessKey, string? kitKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        var server = new FakeSellerServer(accessKey, kitKey);
        await server.ListenAsync(0).ConfigureAwait(false);
        return server;
    }

    /// <summary>Accept base signatures made with any of these keys (e.g. the old and the new one during a rotation).</summary>
    public void SetAccessKeys(params string[] keys)
    {
        ArgumentOutOfRangeException.ThrowIfZero(keys.Length);
        Volatile.Write(ref _accessKeys, [.. keys]);
    }

    public void SetKitKeys(params string[] keys) => Volatile.Write(ref _kitKeys, [.. keys]);

    /// <summary>The scenario for requests that no activity or order scenario covers.</summary>
    public void SetScenario(FakeScenario scenario)
    {
        lock (_gate)
        {
            _default = scenario;
        }
    }

    public void SetScenarioForActivity(string activity, FakeScenario scenario)
    {
        lock (_gate)
        {
            _byActivity[activity] = scenario;
        }
    }

    /// <summary>The scenario for one order: requests carrying the orderId, and instance requests about that order's instance.</summary>
    public void SetScenarioForOrder(string orderId, FakeScenario scenario)
    {
        lock (_gate)
        {
            _byOrder[orderId] = scenario;
        }
    }

    public void ClearScenarios()
    {
        lock (_gate)
        {
            _default = FakeScenario.Succeed();
            _byActivity.Clear();
            _byOrder.Clear();
        }
    }

    public IReadOnlyList<ReceivedRequest> RequestsFor(string activity) => Requests.Where(r => r.Activity == activity).ToList();

    public FakeInstance? FindInstance(string instanceId)
    {
        lock (_gate)
        {
            return _instances.GetValueOrDefault(instanceId);
        }
    }

    public FakeInstance? FindInstanceByOrder(string orderId, string orderLineId)
    {
        lock (_gate)
        {
            return _instanceByOrder.TryGetValue(OrderKey(orderId, orderLineId), out var id) ? _instances[id] : null;
        }
    }

    /// <summary>
    /// The seller creates an order's instance by hand (before delivering it by hand on the platform), or finds the one it
    /// already created from a newInstance whose answer was lost: returns the instance's id. Later calls about it are
    /// answered as for any instance.
    /// </summary>
    public string CreateInstanceByHand(string orderId, string orderLineId, string instanceId)
    {
        lock (_gate)
        {
            var key = OrderKey(orderId, orderLineId);
            if (_instanceByOrder.TryGetValue(key, out var existing)) return existing;
            _instances[instanceId] = new FakeInstance { InstanceId = instanceId, OrderId = orderId, OrderLineId = orderLineId, FirstBusinessId = instanceId };
            _instanceByOrder[key] = instanceId;
            return instanceId;
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests of <paramref name="activity"/> arrived (default timeout 10 s).</summary>
    public Task<IReadOnlyList<ReceivedRequest>> WaitForRequestsAsync(string activity, int count, TimeSpan? timeout = null) =>
        WaitForAsync(r => r.Activity == activity, count, timeout, $"{count} {activity} request(s)");

    /// <summary>Waits until at least <paramref name="count"/> requests match.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(Func<ReceivedRequest, bool> match, int count, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            List<ReceivedRequest> matching;
            lock (_gate)
            {
                matching = _requests.Where(match).ToList();
                changed = _changed.Task;
            }

            if (matching.Count >= count)
            {
                return matching;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(
                    $"Waited for {what ?? $"{count} request(s)"}; got {matching.Count}. Received: "
                    + string.Join(", ", Requests.Select(r => $"{r.Activity}→{r.StatusCode}/{r.ResultCode}")));
            }

            try
            {
                await changed.WaitAsync(left).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>Stops listening: calls get "connection refused" until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        var app = Interlocked.Exchange(ref _app, null);
        if (app is not null)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Listens again on the same port, keeping instances, scenarios and recorded requests.</summary>
    public async Task RestartAsync()
    {
        if (_app is null)
        {
            await ListenAsync(_port).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapPost("/saasproduce", HandleBaseAsync);
        app.MapPost("/saasproduce/produceAPI/v2/{activity}", HandleKitAsync);
        app.MapPost("/produceAPI/v2/{activity}", HandleKitAsync);
        await app.StartAsync().ConfigureAwait(false);
        _port = new Uri(app.Urls.First()).Port;
        _app = app;
    }

    private async Task HandleBaseAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var activity = ReadActivity(body) ?? "";
        var (verified, error, keyIndex) = VerifyBase(query, body);
        var answer = verified
            ? Answer(activity, body, isKit: false)
            : Result(error!.StartsWith("param", StringComparison.Ordinal) ? "000002" : "000001", error);
        Record(context, activity, false, query, new Dictionary<string, string>(), body, verified, error, keyIndex, answer);
        await RespondAsync(context, answer).ConfigureAwait(false);
    }

    private async Task HandleKitAsync(HttpContext context)
    {
        var activity = context.Request.RouteValues["activity"]?.ToString() ?? "";
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var headers = new[] { "x-sign", "x-timestamp", "x-nonce" }
            .Where(h => context.Request.Headers.ContainsKey(h))
            .ToDictionary(h => h, h => context.Request.Headers[h].ToString(), StringComparer.Ordinal);
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        (bool Verified, string? Error, int? KeyIndex) check = KitActivities.Contains(activity, StringComparer.Ordinal)
            ? VerifyKit(headers, body)
            : (false, "param is invalid: unknown Kit interface", null);
        var answer = check.Verified
            ? Answer(activity, body, isKit: true)
            : Result(check.Error!.StartsWith("param", StringComparison.Ordinal) ? "000002" : "000001", check.Error);
        Record(context, activity, true, query, headers, body, check.Verified, check.Error, check.KeyIndex, answer);
        await RespondAsync(context, answer).ConfigureAwait(false);
    }

    private (bool Verified, string? Error, int? KeyIndex) VerifyBase(IReadOnlyDictionary<string, string> query, string body)
    {
        if (!query.TryGetValue("signature", out var signature) || !query.TryGetValue("timestamp", out var timestamp)
            || !query.TryGetValue("nonce", out var nonce) || signature.Length == 0 || nonce.Length == 0)
        {
            return (false, "token is invalid: signature, timestamp and nonce are required", null);
        }

        var payload = JavaStyleVerifier.Reserialize(body);
        if (payload is null)
        {
            return (false, "param is invalid: the body is not a JSON object", null);
        }

        return Check(timestamp, nonce, AccessKeys, key => JavaStyleVerifier.SameHex(JavaStyleVerifier.BaseSignature(key, nonce, timestamp, payload), signature));
    }

    private (bool Verified, string? Error, int? KeyIndex) VerifyKit(IReadOnlyDictionary<string, string> headers, string body)
    {
        if (!headers.TryGetValue("x-sign", out var sign) || !headers.TryGetValue("x-timestamp", out var timestamp)
            || !headers.TryGetValue("x-nonce", out var nonce))
        {
            return (false, "token is invalid: x-sign, x-timestamp and x-nonce are required", null);
        }

        if (KitKeys.Count == 0)
        {
            return (false, "token is invalid: no Kit key is configured", null);
        }

        var payload = JavaStyleVerifier.Reserialize(body);
        if (payload is null)
        {
            return (false, "param is invalid: the body is not a JSON object", null);
        }

        return Check(timestamp, nonce, KitKeys, key => JavaStyleVerifier.SameHex(JavaStyleVerifier.KitSignature(key, nonce, timestamp, payload), sign));
    }

    private (bool Verified, string? Error, int? KeyIndex) Check(string timestamp, string nonce, IReadOnlyList<string> keys, Func<string, bool> matches)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return (false, "token is invalid: the timestamp is not Unix milliseconds", null);
        }

        var skew = Time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(ms);
        if (skew.Duration() > TimestampTolerance)
        {
            return (false, $"token is invalid: the timestamp is {skew.TotalSeconds:0} s off", null);
        }

        var index = -1;
        for (var i = 0; i < keys.Count; i++)
        {
            if (matches(keys[i]))
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            return (false, "token is invalid: signature mismatch", null);
        }

        lock (_gate)
        {
            if (!_nonces.Add(nonce))
            {
                return (false, "token is invalid: nonce reused", index);
            }
        }

        return (true, null, index);
    }

    private FakeAnswer Answer(string activity, string body, bool isKit)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return Result("000002", "param is invalid");
        }

        var orderId = Str(root, "orderId");
        var instanceIds = (Str(root, "instanceId") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var scenario = ScenarioFor(activity, LicenseOrder(Str(root, "license")) ?? orderId, instanceIds);

        switch (scenario.Kind)
        {
            case FakeScenarioKind.Down when scenario.TryUse():
                return new FakeAnswer(503, "<html><body>503 Service Unavailable</body></html>", "text/html", null);
            case FakeScenarioKind.Garbage when scenario.TryUse():
                return new FakeAnswer(200, "<html><body>Welcome to nginx!</body></html>", "text/html", null);
            case FakeScenarioKind.Fail when scenario.TryUse():
                return scenario.Failure == FakeFailure.Http500
                    ? new FakeAnswer(500, "Internal Server Error", "text/plain", null)
                    : Result("000005", "other inner error");
            case FakeScenarioKind.ResultCode when scenario.TryUse():
                return Result(scenario.Code!, scenario.Message ?? "scripted answer");
        }

        var answer = isKit ? KitAnswer(activity, root) : Business(activity, root, scenario);
        return scenario.Kind == FakeScenarioKind.Timeout && scenario.TryUse() ? answer with { Delay = scenario.Delay } : answer;
    }

    private FakeScenario ScenarioFor(string activity, string? orderId, string[] instanceIds)
    {
        lock (_gate)
        {
            if (orderId is not null && _byOrder.TryGetValue(orderId, out var byOrder))
            {
                return byOrder;
            }

            foreach (var id in instanceIds)
            {
                if (_instances.TryGetValue(id, out var instance) && _byOrder.TryGetValue(instance.OrderId, out var byInstanceOrder))
                {
                    return byInstanceOrder;
                }
            }

            return _byActivity.GetValueOrDefault(activity) ?? _default;
        }
    }

    private FakeAnswer Business(string activity, JsonElement root, FakeScenario scenario)
    {
        var test = Str(root, "testFlag") == "1";
        var instanceId = Str(root, "instanceId");
        lock (_gate)
        {
            switch (activity)
            {
                case "newInstance":
                {
                    var orderId = Str(root, "orderId");
                    var orderLineId = Str(root, "orderLineId");
                    var businessId = Str(root, "businessId");
                    if (orderId is null || orderLineId is null || businessId is null)
                    {
                        return Result("000002", "param is invalid");
                    }

                    var key = OrderKey(orderId, orderLineId);
                    if (scenario.Kind != FakeScenarioKind.DifferentInstanceIdOnRepeat
                        && _instanceByOrder.TryGetValue(key, out var existingId))
                    {
                        var existing = Poll(existingId);
                        return existing.Status == "Creating"
                            ? InProgress(scenario.InProgressCarriesInstanceId ? existingId : null)
                            : Result("000000", "success", ("instanceId", existingId));
                    }

                    var inProgress = scenario.Kind == FakeScenarioKind.InProgressThenAppInfo;
                    _instances[businessId] = new FakeInstance
                    {
                        InstanceId = businessId,
                        OrderId = orderId,
                        OrderLineId = orderLineId,
                        FirstBusinessId = businessId,
                        Status = inProgress ? "Creating" : "Active",
                        PollsBeforeReady = inProgress ? scenario.NotReadyPolls : 0,
                        Test = test,
                    };
                    _instanceByOrder[key] = businessId;
                    return inProgress
                        ? InProgress(scenario.InProgressCarriesInstanceId ? businessId : null)
                        : Result("000000", "success", ("instanceId", businessId));
                }

                case "queryInstance":
                {
                    var ids = (instanceId ?? "").Split(',');
                    if (ids.Length > 100 || ids.Any(string.IsNullOrEmpty))
                    {
                        return Result("000002", "param is invalid");
                    }

                    var info = new List<object>();
                    foreach (var id in ids.Where(_instances.ContainsKey))
                    {
                        var instance = Poll(id);
                        info.Add(instance.Status is "Creating" or "Released"
                            ? new Dictionary<string, object?> { ["instanceId"] = id }
                            : new Dictionary<string, object?> { ["instanceId"] = id, ["appInfo"] = AppInfoFor(id) });
                    }

                    return info.Count == 0 ? Result("000003", "instance is invalid") : Result("000000", "success", ("info", info));
                }

                case "refreshInstance":
                    return Update(instanceId, i => i with { ExpireTime = Str(root, "expireTime"), LastScene = Str(root, "scene") });

                case "updateInstanceStatus":
                    return Str(root, "status") switch
                    {
                        "FREEZE" => Update(instanceId, i => i with { Status = "Frozen" }),
                        "UNFREEZE" => Update(instanceId, i => i with { Status = "Active" }),
                        _ => Result("000002", "param is invalid"),
                    };

                case "releaseInstance":
                    return Update(instanceId, i => i with { Status = "Released" });

                case "upgradeInstance":
                {
                    var upgradeOrder = Str(root, "orderId") ?? "";
                    if (instanceId is null || !_instances.TryGetValue(instanceId, out var target))
                    {
                        return Result("000003", "instance is invalid");
                    }

                    var first = !target.UpgradeOrders.Contains(upgradeOrder);
                    _instances[instanceId] = target with { UpgradeOrders = first ? [.. target.UpgradeOrders, upgradeOrder] : target.UpgradeOrders };
                    return first && scenario.Kind == FakeScenarioKind.InProgressThenAppInfo
                        ? InProgress(null)
                        : Result("000000", "success");
                }

                case "refreshLicenseCode" or "updateLicenseCodeStatus" or "releaseLicenseCode":
                    return LicenseBusiness(activity, root);

                case "changeInstanceCheck":
                    return instanceId is not null && _instances.ContainsKey(instanceId)
                        ? Result("000000", "success")
                        : Result("000003", "instance is invalid");

                default:
                    return Result("000002", "param is invalid: unknown activity");
            }
        }
    }

    /// <summary>Counts a poll of a creating instance; it becomes Active once its not-ready polls are used up.</summary>
    private FakeInstance Poll(string id)
    {
        var instance = _instances[id];
        if (instance.Status != "Creating")
        {
            return instance;
        }

        instance = instance.PollsBeforeReady > 0
            ? instance with { PollsBeforeReady = instance.PollsBeforeReady - 1 }
            : instance with { Status = "Active" };
        _instances[id] = instance;
        return instance;
    }

    private FakeAnswer Update(string? instanceId, Func<FakeInstance, FakeInstance> change)
    {
        if (instanceId is null || !_instances.TryGetValue(instanceId, out var instance))
        {
            return Result("000003", "instance is invalid");
        }

        if (instance.Status != "Released")
        {
            _instances[instanceId] = change(instance);
        }

        return Result("000000", "success");
    }

    private Dictionary<string, object?> AppInfoFor(string id) => new()
    {
        ["frontEndUrl"] = new Uri(BaseUrl, $"app/{id}").AbsoluteUri,
        ["adminUrl"] = new Uri(BaseUrl, $"admin/{id}").AbsoluteUri,
        ["userName"] = "admin",
        ["password"] = "fake-password",
        ["memo"] = "测试实例 (test instance)",
    };

    private static FakeAnswer InProgress(string? instanceId) =>
        instanceId is null ? Result("000004", "request is processing") : Result("000004", "request is processing", ("instanceId", instanceId));

    private static FakeAnswer Result(string code, string message, params (string Name, object? Value)[] extra)
    {
        var body = new Dictionary<string, object?> { ["resultCode"] = code, ["resultMsg"] = message };
        foreach (var (name, value) in extra)
        {
            body[name] = value;
        }

        return new FakeAnswer(200, JsonSerializer.Serialize(body, Json), "application/json", code);
    }

    private void Record(HttpContext context, string activity, bool isKit, IReadOnlyDictionary<string, string> query,
        IReadOnlyDictionary<string, string> headers, string body, bool verified, string? error, int? keyIndex, FakeAnswer answer)
    {
        lock (_gate)
        {
            var received = new ReceivedRequest(_requests.Count + 1, Time.GetUtcNow(), context.Request.Path.Value ?? "", activity, isKit,
                query, headers, body, verified, error, keyIndex, answer.Status, answer.ResultCode, answer.Body);
            _requests.Add(received);
            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.SetResult();
        }
    }

    private async Task RespondAsync(HttpContext context, FakeAnswer answer)
    {
        if (answer.Delay > TimeSpan.Zero)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(answer.Delay, both.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                context.Abort();
                return;
            }
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType == "application/json" ? "application/json;charset=utf-8" : answer.ContentType;
        if (SignResponses)
        {
            context.Response.Headers["Body-Sign"] = JavaStyleVerifier.BodySignHeader(ResponseSigningKey ?? AccessKeys[0], answer.Body);
        }

        await context.Response.WriteAsync(answer.Body, Encoding.UTF8).ConfigureAwait(false);
    }

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static string? ReadActivity(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return Str(doc.RootElement, "activity");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string OrderKey(string orderId, string orderLineId) => orderId + "\n" + orderLineId;

    private sealed record FakeAnswer(int Status, string Body, string ContentType, string? ResultCode)
    {
        public TimeSpan Delay { get; init; }
    }
}

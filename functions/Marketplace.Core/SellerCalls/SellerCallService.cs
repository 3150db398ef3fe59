using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Marketplace.Core.Scheduling;
using Marketplace.Core.SellerCalls.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.SellerCalls;

/// <summary>
/// The seller-call use cases (domain.md §6.4, §7; decisions rows 1-3): queue a call (idempotent by its business key),
/// make the attempt that is due when the scheduler wakes the call, and let the seller (or ops) list, retry and deliver
/// calls by hand. Every attempt is recorded on the call; what follows from it (the next attempt, parking, the order's
/// instance, a notification) is written in the same transaction as the attempt, as the call's deadline and outbox.
/// Waiting costs nothing: a call waiting for its next attempt is only a deadline on its snapshot.
/// </summary>
public sealed class SellerCallService
{
    public const string Kind = "sellercalls";

    /// <summary>Queue a call (payload <see cref="CreateSellerCallMessage"/>).</summary>
    public const string CreateTopic = "sellercalls.create";

    /// <summary>Tell the seller about a failed attempt or a parked call (payload <see cref="SellerCallNotice"/>).</summary>
    public const string NotifyTopic = "sellercalls.notify";

    /// <summary>Tell the order the call works for that the call ended, parked or restarted (payload <see cref="SellerCallChangedMessage"/>).</summary>
    public const string OrderTopic = "orders.seller-call-changed";

    private readonly AggregateRunner _runner;
    private readonly IAggregateStore _store;
    private readonly ISellerTransport _transport;
    private readonly INonceSource _nonces;
    private readonly SellerDirectory _sellers;
    private readonly IScheduler _scheduler;
    private readonly SellerCallMetrics _metrics;
    private readonly IOptions<SellerCallOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SellerCallService> _logger;
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);

    public SellerCallService(
        AggregateRunner runner, IAggregateStore store, ISellerTransport transport, INonceSource nonces, SellerDirectory sellers,
        IScheduler scheduler, SellerCallMetrics metrics, IOptions<SellerCallOptions> options, TimeProvider time, ILogger<SellerCallService> logger)
    {
        _runner = runner;
        _store = store;
        _transport = transport;
        _nonces = nonces;
        _sellers = sellers;
        _scheduler = scheduler;
        _metrics = metrics;
        _options = options;
        _time = time;
        _logger = logger;
        Definition = new AggregateDefinition<SellerCall, ISellerCallEvent>
        {
            Kind = Kind,
            Apply = SellerCallMachine.Apply,
            StateName = s => SellerCallStatusNames.Wire(s.Status),
            NextDeadline = SellerCallMachine.NextDeadline,
            Tick = (s, now) => SellerCallMachine.Decide(s, TickSellerCall.Instance, now, options.Value),
            Outbox = Outbox,
            Tags = Tags,
            Json = CoreJson.Compact, // the request body is stored with the call and each attempt: keep every copy short
        };
    }

    public AggregateDefinition<SellerCall, ISellerCallEvent> Definition { get; }

    public SellerCallOptions Options => _options.Value;

    /// <summary>Queues a call; queuing the same business key again changes nothing and returns the existing call.</summary>
    public async Task<SellerCall> CreateAsync(CreateSellerCall command, CancellationToken ct) => (await CreateCoreAsync(command, ct)).State!;

    /// <summary>
    /// The work item that queues a call also makes its first attempt, which is due at once: the seller hears sooner and
    /// the attempt needs no second read. (The wake-up the scheduler was given still comes; it finds the call being
    /// attempted in this process, or already attempted, and does nothing.)
    /// </summary>
    public async Task CreateAndAttemptAsync(CreateSellerCall command, CancellationToken ct)
    {
        var result = await CreateCoreAsync(command, ct);
        if (!result.Changed || !SellerCallMachine.IsDue(result.State!, _time.GetUtcNow())) return;
        if (!_inFlight.TryAdd(command.CallId, 0)) return;
        try
        {
            await AttemptAsync(command.CallId, (result.State!, result.Version), ct);
        }
        finally
        {
            _inFlight.TryRemove(command.CallId, out _);
        }
    }

    private async Task<CommandResult<SellerCall>> CreateCoreAsync(CreateSellerCall command, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await _runner.ExecuteAsync(Definition, command.CallId, Actor.Platform,
            (state, now) => SellerCallMachine.Decide(state, command, now, _options.Value), ct);
        DomainException.ThrowIf(result.Error);
        _metrics.Created(Stopwatch.GetTimestamp() - started);
        return result;
    }

    /// <summary>
    /// The timer step of a call (the scheduler wakes it at <see cref="SellerCall.NextAttemptAt"/>): parks it when its
    /// window has ended, otherwise makes the attempt that is due: a fresh businessId (newInstance), signed with the
    /// seller's current outbound key, sent with the timeout, classified and recorded. Safe to run twice: a call that is
    /// not due, terminal or already being attempted in this process is left alone, and an attempt whose call moved on
    /// meanwhile is not recorded.
    /// </summary>
    public async Task RunDueAsync(string callId, CancellationToken ct)
    {
        if (!_inFlight.TryAdd(callId, 0)) return;
        try
        {
            await AttemptAsync(callId, null, ct);
        }
        finally
        {
            _inFlight.TryRemove(callId, out _);
        }
    }

    private async Task AttemptAsync(string callId, (SellerCall State, long Version)? known, CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        var loaded = known ?? await _runner.LoadAsync(Definition, callId, ct);
        if (loaded is not { } l) return;
        var (call, version) = l;
        var now = _time.GetUtcNow();
        if (!call.IsActive)
        {
            _logger.LogDebug("Seller call {CallId} woke while {Status}: nothing to send", callId, call.Status);
            return;
        }

        if (now > call.Deadline)
        {
            await _runner.TickAsync(Definition, callId, ct); // the window ended before this attempt: park
            return;
        }

        if (!SellerCallMachine.IsDue(call, now))
        {
            _logger.LogDebug("Seller call {CallId} woke before its attempt at {At:O}; scheduled again", callId, call.NextAttemptAt);
            _scheduler.Schedule(new WakeUp(Kind, callId, version, call.NextAttemptAt!.Value)); // woken early
            return;
        }

        var seller = await _sellers.FindAsync(call.SellerId, ct);
        if (seller is null)
        {
            _logger.LogError("Seller call {CallId} names seller {SellerId}, who does not exist; it is not sent", callId, call.SellerId);
            return;
        }

        var t1 = Stopwatch.GetTimestamp();
        var request = SellerCallMachine.NextRequest(call, _nonces.NewBusinessId());
        var key = request.IsKit ? seller.OutboundKey.KitKey : seller.OutboundKey.AccessKey;
        var url = new Uri(request.IsKit ? seller.KitUrl ?? seller.ProductionUrl : seller.ProductionUrl);
        var at = _time.GetUtcNow();
        var signed = SellerRequestSigner.Sign(request, url, key, _nonces.NewNonce(), at.ToUnixTimeMilliseconds());
        var t2 = Stopwatch.GetTimestamp();
        var response = await _transport.SendAsync(signed, _options.Value.Timeout, ct);
        var t3 = Stopwatch.GetTimestamp();
        var latencyMs = (long)Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds;
        var outcome = SellerResponseClassifier.Classify(request.Activity, response, key);
        if (outcome.BodySignMismatch)
            _logger.LogWarning("Seller {SellerId} answered call {CallId} with a Body-Sign that does not match the body", call.SellerId, callId);

        var command = new RecordSellerCallAttempt(at, request, outcome, latencyMs);
        var result = await _runner.ExecuteAsync(Definition, callId, Actor.Platform, (state, decidedAt) =>
            state is null || state.Attempts.Count != call.Attempts.Count || state.Window != call.Window || state.Status != call.Status
                ? Decision<ISellerCallEvent>.Accept() // another worker recorded an attempt meanwhile: keep theirs
                : SellerCallMachine.Decide(state, command, decidedAt, _options.Value), ct);
        var t4 = Stopwatch.GetTimestamp();
        _metrics.Attempted(t1 - t0, t2 - t1, t3 - t2, t4 - t3, outcome.IsSuccess);
        if (result.IsRejected)
            _logger.LogWarning("Attempt {Number} of seller call {CallId} was not recorded: {Code} {Detail}",
                call.Attempts.Count + 1, callId, result.Error!.Code, result.Error.Detail);
        else
            _logger.LogDebug("Seller call {CallId} attempt {Number}: {Outcome} in {LatencyMs} ms ({Error})",
                callId, call.Attempts.Count + 1, outcome.Kind, latencyMs, outcome.Error);
    }

    /// <summary>A call the actor may see: the seller its own, ops and the platform all; anything else is "not found".</summary>
    public async Task<SellerCall> GetAsync(string callId, Actor actor, CancellationToken ct)
    {
        var loaded = await _runner.LoadAsync(Definition, callId, ct);
        if (loaded is not { } l || !CanSee(l.State, actor)) throw new DomainException(NotFound(callId));
        return l.State;
    }

    /// <summary>The call as stored, for other use cases (no visibility check).</summary>
    public async Task<SellerCall?> FindAsync(string callId, CancellationToken ct) =>
        (await _runner.LoadAsync(Definition, callId, ct))?.State;

    /// <summary>The actor's calls (ops: all), newest first, optionally by status, activity and order.</summary>
    public async IAsyncEnumerable<SellerCall> ListAsync(
        Actor actor, string? status, string? activity, string? orderId, [EnumeratorCancellation] CancellationToken ct)
    {
        var tags = new Dictionary<string, string>();
        if (actor.Role == Role.Seller) tags["sellerId"] = actor.Id;
        else if (actor.Role is not (Role.Ops or Role.System)) yield break;
        if (status is not null)
        {
            tags["status"] = SellerCallStatusNames.Parse(status) is { } s
                ? SellerCallStatusNames.Wire(s)
                : throw new DomainException(DomainError.BadRequest("validation.failed",
                    $"Unknown status '{status}'; use one of {string.Join(", ", Enum.GetValues<SellerCallStatus>().Select(SellerCallStatusNames.Wire))}."));
        }

        if (activity is not null) tags["activity"] = activity;
        if (orderId is not null) tags["orderId"] = orderId;
        await foreach (var record in _store.QueryAsync(Kind, tags, ct))
        {
            var call = JsonSerializer.Deserialize<SellerCall>(record.StateJson, Definition.Json)!;
            if (orderId is null || call.OrderRef == orderId || call.OrderId == orderId) yield return call;
        }
    }

    /// <summary>The seller restarts a parked call: a fresh retry window from now (§6.4 "重新启动").</summary>
    public Task<SellerCall> RetryAsync(string callId, Actor actor, CancellationToken ct) =>
        ActAsync(callId, actor, new RetrySellerCall(actor), ct);

    /// <summary>The seller closes a parked newInstance by hand with the instanceId they created.</summary>
    public Task<SellerCall> DeliverManuallyAsync(string callId, Actor actor, string? instanceId, string? note, CancellationToken ct) =>
        ActAsync(callId, actor, new DeliverSellerCallManually(actor, instanceId ?? "", note), ct);

    private async Task<SellerCall> ActAsync(string callId, Actor actor, ISellerCallCommand command, CancellationToken ct)
    {
        await GetAsync(callId, actor, ct);
        var result = await _runner.ExecuteAsync(Definition, callId, actor,
            (state, now) => state is null ? NotFound(callId) : SellerCallMachine.Decide(state, command, now, _options.Value), ct);
        DomainException.ThrowIf(result.Error);
        return result.State!;
    }

    private static bool CanSee(SellerCall call, Actor actor) => actor.Role switch
    {
        Role.Seller => call.SellerId == actor.Id,
        Role.Ops or Role.System => true,
        _ => false,
    };

    private static IEnumerable<(string Topic, object Payload)> Outbox(SellerCall after, ISellerCallEvent e)
    {
        if (SellerCallNotice.For(after, e) is { } notice) yield return (NotifyTopic, notice);
        if (after.OrderRef is not null && e is SellerCallSucceeded or SellerCallManuallyDelivered or SellerCallParked or SellerCallRetried)
        {
            // A license-code call reports to its license code (which keeps the code's call queue), an instance call to its order.
            var topic = SellerActivities.IsLicense(after.Activity) ? Licenses.LicenseCodes.CallTopic : OrderTopic;
            yield return (topic, new SellerCallChangedMessage(after.OrderRef, after.CallId, after.Activity, SellerCallStatusNames.Wire(after.Status)));
        }
        if (after.KitCall && e is SellerCallSucceeded or SellerCallParked or SellerCallRetried)
            yield return (Kit.KitService.CallTopic, new SellerCallChangedMessage(after.OrderRef ?? "", after.CallId, after.Activity, SellerCallStatusNames.Wire(after.Status)));
    }

    private static IReadOnlyDictionary<string, string> Tags(SellerCall c)
    {
        var tags = new Dictionary<string, string>
        {
            ["sellerId"] = c.SellerId,
            ["status"] = SellerCallStatusNames.Wire(c.Status),
            ["activity"] = c.Activity,
        };
        if ((c.OrderRef ?? c.OrderId) is { } orderId) tags["orderId"] = orderId;
        if (c.InstanceId is { } instanceId) tags["instanceId"] = instanceId;
        return tags;
    }

    private static DomainError NotFound(string callId) => DomainError.NotFound(SellerCallMachine.NotFound, $"Seller call {callId} does not exist.");
}

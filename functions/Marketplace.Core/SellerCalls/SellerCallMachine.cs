using System.Globalization;
using Marketplace.Core.Common;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.SellerCalls;

/// <summary>
/// The seller-call state machine (domain.md §6.4, §7.6, §7.10; decisions row 1). Pure: time, ids and the outcome of
/// each HTTP exchange come in as arguments.
/// <para>Schedule: the first attempt is due at creation. The n-th failure in a window schedules the next attempt at
/// that attempt's start + <c>Backoff[n-1]</c> (the last value repeating); when that moment is past the window's
/// <see cref="SellerCall.Deadline"/> the call is parked at the failure. A Kit call parks on its first failure. A 000004
/// for newInstance/upgradeInstance puts the call in progress: it polls queryInstance every <c>QueryPollInterval</c>
/// until the instance information comes back, within the same window.</para>
/// </summary>
public static class SellerCallMachine
{
    public const string NotFound = "call.not-found";
    public const string NotParked = "call.not-parked";
    public const string ManualDeliveryNotAllowed = "call.manual-delivery-not-allowed";
    public const string NotAwaitingAttempt = "call.not-awaiting-attempt";
    public const string AlreadyExists = "call.exists";
    public const string ValidationFailed = "validation.failed";

    public static Decision<ISellerCallEvent> Decide(SellerCall? state, ISellerCallCommand command, DateTimeOffset now, SellerCallOptions options)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(options);
        if (command is CreateSellerCall create)
        {
            return DecideCreate(state, create, now, options);
        }

        if (state is null)
        {
            return DomainError.NotFound(NotFound, "There is no such seller call.");
        }

        return command switch
        {
            RecordSellerCallAttempt attempt => DecideAttempt(state, attempt, now, options),
            RetrySellerCall retry => DecideRetry(state, retry, now, options),
            DeliverSellerCallManually manual => DecideManualDelivery(state, manual, now),
            TickSellerCall => DecideTick(state, now),
            _ => throw new ArgumentException($"Unknown command {command.GetType().Name}.", nameof(command)),
        };
    }

    public static SellerCall Apply(SellerCall? state, ISellerCallEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is SellerCallCreated created)
        {
            return new SellerCall
            {
                CallId = created.CallId,
                SellerId = created.SellerId,
                ProductId = created.ProductId,
                Activity = created.Activity,
                Payload = created.Payload,
                OrderId = created.OrderId,
                OrderLineId = created.OrderLineId,
                InstanceId = created.InstanceId,
                KitCall = created.KitCall,
                OrderRef = created.OrderRef,
                Status = SellerCallStatus.Pending,
                CreatedAt = created.At,
                WindowStartedAt = created.At,
                Deadline = created.Deadline,
                NextAttemptAt = created.At,
            };
        }

        var s = state ?? throw new InvalidOperationException($"{e.Action} before call.created.");
        return e switch
        {
            SellerCallAttemptFailed f => WithAttempt(s, f.Attempt) with
            {
                Status = SellerCallStatus.Retrying,
                FailuresInWindow = f.FailureNumber,
                NextAttemptAt = f.NextAttemptAt,
                PollInstanceId = null,
            },
            SellerCallInProgress p => WithAttempt(s, p.Attempt) with
            {
                Status = SellerCallStatus.InProgress,
                PollInstanceId = p.PollInstanceId,
                InstanceId = s.InstanceId ?? p.PollInstanceId,
                InstanceIdMismatch = p.Mismatch ?? s.InstanceIdMismatch,
                NextAttemptAt = p.NextAttemptAt,
            },
            SellerCallSucceeded ok => WithAttempt(s, ok.Attempt) with
            {
                Status = SellerCallStatus.Succeeded,
                Result = ok.Result,
                InstanceId = ok.Result.InstanceId ?? s.InstanceId,
                InstanceIdMismatch = ok.Mismatch ?? s.InstanceIdMismatch,
                NextAttemptAt = null,
                PollInstanceId = null,
            },
            SellerCallParked parked => s with
            {
                Status = SellerCallStatus.Parked,
                ParkedAt = parked.At,
                ParkedReason = parked.ParkReason,
                NextAttemptAt = null,
            },
            SellerCallRetried retried => s with
            {
                Status = SellerCallStatus.Pending,
                WindowStartedAt = retried.At,
                Deadline = retried.Deadline,
                FailuresInWindow = 0,
                Window = s.Window + 1,
                NextAttemptAt = retried.At,
                PollInstanceId = null,
                ParkedAt = null,
                ParkedReason = null,
            },
            SellerCallManuallyDelivered manual => s with
            {
                Status = SellerCallStatus.ManuallyDelivered,
                InstanceId = manual.InstanceId,
                Result = new SellerCallResult(manual.InstanceId, null),
                ManualDelivery = new ManualDelivery(manual.InstanceId, manual.Note, manual.By, manual.At),
                NextAttemptAt = null,
            },
            _ => throw new ArgumentException($"Unknown event {e.GetType().Name}.", nameof(e)),
        };
    }

    /// <summary>Folds events into a state.</summary>
    public static SellerCall? ApplyAll(SellerCall? state, IEnumerable<ISellerCallEvent> events) =>
        events.Aggregate(state, (s, e) => Apply(s, e));

    /// <summary>The next moment at which time alone changes something: the next attempt while active; null when terminal or parked.</summary>
    public static DateTimeOffset? NextDeadline(SellerCall state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.IsActive ? state.NextAttemptAt : null;
    }

    /// <summary>True when an attempt should be made now.</summary>
    public static bool IsDue(SellerCall state, DateTimeOffset now) => NextDeadline(state) is { } due && now >= due;

    /// <summary>
    /// The request of the next attempt: queryInstance for the polled instance while in progress, otherwise the stored
    /// template, with <paramref name="businessId"/> for newInstance (new on every attempt).
    /// </summary>
    public static SellerRequest NextRequest(SellerCall state, string businessId)
    {
        ArgumentNullException.ThrowIfNull(state);
        var template = state.ToTemplate();
        if (state.Status == SellerCallStatus.InProgress && state.PollInstanceId is not null)
        {
            return SellerRequest.QueryInstance([state.PollInstanceId], template.IsTest);
        }

        return state.Activity == SellerActivities.NewInstance ? template.WithBusinessId(businessId) : template;
    }

    private static Decision<ISellerCallEvent> DecideCreate(SellerCall? state, CreateSellerCall c, DateTimeOffset now, SellerCallOptions options)
    {
        if (string.IsNullOrWhiteSpace(c.SellerId) || c.SellerId.Length > SellerFieldLimits.Id)
        {
            return Invalid("sellerId is required (at most 64 characters).");
        }

        if (string.IsNullOrWhiteSpace(c.ProductId) || c.ProductId.Length > SellerFieldLimits.Id)
        {
            return Invalid("productId is required (at most 64 characters).");
        }

        if (c.Request is null)
        {
            return Invalid("The request is required.");
        }

        var template = c.Request.WithoutBusinessId();
        var error = SellerRequest.Validate(template.Activity, template.Body, requireBusinessId: false);
        if (error is not null)
        {
            return error;
        }

        if (state is not null)
        {
            return state.Payload == template.Body && state.SellerId == c.SellerId
                ? Decision<ISellerCallEvent>.Accept()
                : DomainError.Conflict(AlreadyExists, $"Seller call {state.CallId} already exists with another payload.");
        }

        return Decision<ISellerCallEvent>.Accept(new SellerCallCreated(
            c.CallId, now, c.SellerId, c.ProductId, template.Activity, template.Body,
            // A license-code call is about the code (P40: 000003 "授权码ID不存在" stands for the instance id).
            template.StringField("orderId"), template.StringField("orderLineId"), template.StringField("instanceId") ?? template.StringField("license"),
            template.IsKit, now + options.RetryWindow, c.OrderRef));
    }

    private static Decision<ISellerCallEvent> DecideAttempt(SellerCall s, RecordSellerCallAttempt c, DateTimeOffset now, SellerCallOptions options)
    {
        if (!s.IsActive)
        {
            return DomainError.Conflict(NotAwaitingAttempt, $"The call is {s.Status}; no attempt is expected.");
        }

        if (c.Request is null || c.Outcome is null)
        {
            return Invalid("The request and the outcome are required.");
        }

        var polling = s.Status == SellerCallStatus.InProgress && s.PollInstanceId is not null;
        var expected = polling ? SellerActivities.QueryInstance : s.Activity;
        if (c.Request.Activity != expected)
        {
            return Invalid($"The next attempt of this call is {expected}, not {c.Request.Activity}.");
        }

        if (c.LatencyMs < 0)
        {
            return Invalid("latencyMs must not be negative.");
        }

        var o = c.Outcome;
        var attempt = new SellerCallAttempt(
            s.Attempts.Count + 1, c.At, c.Request.Activity, c.Request.BusinessId, c.Request.Body,
            o.HttpStatus, o.ResultCode, o.ResultMsg, o.Error, c.LatencyMs, o.BodySignMismatch, o.Kind, o.Failure);

        return polling ? DecidePoll(s, attempt, o, now, options) : DecideSend(s, attempt, o, now, options);
    }

    private static Decision<ISellerCallEvent> DecidePoll(SellerCall s, SellerCallAttempt attempt, SellerOutcome o, DateTimeOffset now, SellerCallOptions options)
    {
        if (o.IsSuccess)
        {
            var info = o.InfoOrEmpty.FirstOrDefault(i => i.InstanceId == s.PollInstanceId);
            if (s.Activity != SellerActivities.NewInstance || info?.AppInfo is not null)
            {
                return Decision<ISellerCallEvent>.Accept(
                    new SellerCallSucceeded(s.CallId, now, attempt, new SellerCallResult(s.InstanceId ?? s.PollInstanceId, info?.AppInfo), null));
            }
        }

        // Not ready yet (no app info, or the poll itself failed): poll again within the window.
        return StillInProgress(s, attempt, s.PollInstanceId, null, now, options);
    }

    private static Decision<ISellerCallEvent> DecideSend(SellerCall s, SellerCallAttempt attempt, SellerOutcome o, DateTimeOffset now, SellerCallOptions options)
    {
        switch (o.Kind)
        {
            case SellerOutcomeKind.Succeeded:
            {
                InstanceIdMismatch? mismatch = null;
                var instanceId = s.InstanceId;
                AppInfo? appInfo = null;
                if (s.Activity == SellerActivities.NewInstance)
                {
                    mismatch = Mismatch(s, o.InstanceId, attempt, now);
                    instanceId ??= o.InstanceId;
                }
                else if (s.Activity == SellerActivities.QueryInstance)
                {
                    appInfo = o.InfoOrEmpty.FirstOrDefault()?.AppInfo;
                }

                return Decision<ISellerCallEvent>.Accept(
                    new SellerCallSucceeded(s.CallId, now, attempt, new SellerCallResult(instanceId, appInfo), mismatch));
            }

            case SellerOutcomeKind.InProgress:
            {
                InstanceIdMismatch? mismatch = null;
                string? pollId;
                if (s.Activity == SellerActivities.NewInstance)
                {
                    mismatch = Mismatch(s, o.InstanceId, attempt, now);
                    pollId = s.InstanceId ?? o.InstanceId;
                }
                else
                {
                    pollId = s.InstanceId;
                }

                return StillInProgress(s, attempt, pollId, mismatch, now, options);
            }

            default:
            {
                var failureNumber = s.FailuresInWindow + 1;
                if (s.KitCall)
                {
                    return Decision<ISellerCallEvent>.Accept(
                        new SellerCallAttemptFailed(s.CallId, now, attempt, failureNumber, null),
                        new SellerCallParked(s.CallId, now, $"Kit calls are not retried automatically: {attempt.Error}"));
                }

                var next = attempt.At + options.BackoffAfter(failureNumber);
                if (next > s.Deadline)
                {
                    return Decision<ISellerCallEvent>.Accept(
                        new SellerCallAttemptFailed(s.CallId, now, attempt, failureNumber, null),
                        new SellerCallParked(s.CallId, now,
                            $"The retry window ended at {Format(s.Deadline)} after {failureNumber} failed attempt(s); last error: {attempt.Error}"));
                }

                return Decision<ISellerCallEvent>.Accept(new SellerCallAttemptFailed(s.CallId, now, attempt, failureNumber, next));
            }
        }
    }

    private static Decision<ISellerCallEvent> StillInProgress(
        SellerCall s, SellerCallAttempt attempt, string? pollId, InstanceIdMismatch? mismatch, DateTimeOffset now, SellerCallOptions options)
    {
        var next = attempt.At + options.QueryPollInterval;
        if (next > s.Deadline)
        {
            return Decision<ISellerCallEvent>.Accept(
                new SellerCallInProgress(s.CallId, now, attempt, pollId, null, mismatch),
                new SellerCallParked(s.CallId, now,
                    $"The seller reported processing (000004) but did not finish before the retry window ended at {Format(s.Deadline)}."));
        }

        return Decision<ISellerCallEvent>.Accept(new SellerCallInProgress(s.CallId, now, attempt, pollId, next, mismatch));
    }

    private static InstanceIdMismatch? Mismatch(SellerCall s, string? returned, SellerCallAttempt attempt, DateTimeOffset now) =>
        s.InstanceId is not null && returned is not null && returned != s.InstanceId
            ? new InstanceIdMismatch(s.InstanceId, returned, attempt.Number, now)
            : null;

    private static Decision<ISellerCallEvent> DecideRetry(SellerCall s, RetrySellerCall c, DateTimeOffset now, SellerCallOptions options)
    {
        var forbidden = CheckActor(c.By);
        if (forbidden is not null)
        {
            return forbidden;
        }

        if (s.Status != SellerCallStatus.Parked)
        {
            return DomainError.Conflict(NotParked, $"Only a parked call can be retried; this one is {s.Status}.");
        }

        return Decision<ISellerCallEvent>.Accept(new SellerCallRetried(s.CallId, now, c.By, now + options.RetryWindow));
    }

    private static Decision<ISellerCallEvent> DecideManualDelivery(SellerCall s, DeliverSellerCallManually c, DateTimeOffset now)
    {
        var forbidden = CheckActor(c.By);
        if (forbidden is not null)
        {
            return forbidden;
        }

        if (s.Activity != SellerActivities.NewInstance)
        {
            return DomainError.Conflict(ManualDeliveryNotAllowed, $"Only a newInstance call can be delivered by hand; this is {s.Activity}.");
        }

        if (s.Status != SellerCallStatus.Parked)
        {
            return DomainError.Conflict(NotParked, $"Only a parked call can be delivered by hand; this one is {s.Status}.");
        }

        if (string.IsNullOrWhiteSpace(c.InstanceId) || c.InstanceId.Length > SellerFieldLimits.Id || c.InstanceId.Trim() != c.InstanceId)
        {
            return Invalid("instanceId is required: 1 to 64 characters, without surrounding spaces.");
        }

        if (c.Note is { Length: > SellerFieldLimits.Memo })
        {
            return Invalid($"The note is longer than {SellerFieldLimits.Memo} characters.");
        }

        return Decision<ISellerCallEvent>.Accept(new SellerCallManuallyDelivered(s.CallId, now, c.By, c.InstanceId, c.Note));
    }

    private static Decision<ISellerCallEvent> DecideTick(SellerCall s, DateTimeOffset now)
    {
        if (!s.IsActive || now <= s.Deadline)
        {
            return Decision<ISellerCallEvent>.Accept();
        }

        return Decision<ISellerCallEvent>.Accept(new SellerCallParked(s.CallId, now,
            $"The retry window ended at {Format(s.Deadline)} before the next attempt was made."));
    }

    private static DomainError? CheckActor(Actor? by) =>
        by is null
            ? Invalid("The actor is required.")
            : by.Role is Role.Seller or Role.Ops or Role.System
                ? null
                : DomainError.Forbidden("Only the seller or operations can act on a seller call.");

    private static SellerCall WithAttempt(SellerCall s, SellerCallAttempt attempt) => s with
    {
        Attempts = [.. s.Attempts, attempt],
        FirstAttemptAt = s.FirstAttemptAt ?? attempt.At,
        LastAttemptAt = attempt.At,
    };

    private static DomainError Invalid(string detail) => DomainError.Invalid(ValidationFailed, detail);

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

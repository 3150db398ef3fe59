using Marketplace.Core.Common;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Tests.SellerCalls;

public class SellerCallMachineTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Actor Seller = new("seller-1", Role.Seller);
    private static readonly SellerCallOptions Options = new();

    private static readonly SellerOutcome Fail5 =
        SellerResponseClassifier.Classify("newInstance", SellerResponse.Http(200, """{"resultCode":"000005","resultMsg":"boom"}"""));

    private int _ids;

    /// <summary>Runs a command through Decide and Apply; fails the test on a rejection.</summary>
    private static (SellerCall State, IReadOnlyList<ISellerCallEvent> Events) Run(SellerCall? state, ISellerCallCommand command, DateTimeOffset now, SellerCallOptions? options = null)
    {
        var decision = SellerCallMachine.Decide(state, command, now, options ?? Options);
        Assert.False(decision.IsRejected, decision.Error?.Detail);
        var next = SellerCallMachine.ApplyAll(state, decision.Events);
        Assert.NotNull(next);
        return (next, decision.Events);
    }

    private static DomainError Reject(SellerCall? state, ISellerCallCommand command, DateTimeOffset now)
    {
        var decision = SellerCallMachine.Decide(state, command, now, Options);
        Assert.True(decision.IsRejected);
        return decision.Error!;
    }

    private static SellerCall Create(SellerRequest request, DateTimeOffset? at = null, SellerCallOptions? options = null) =>
        Run(null, new CreateSellerCall("seller-1", "prod-1", request), at ?? T0, options).State;

    private static SellerCall NewInstanceCall(SellerCallOptions? options = null) =>
        Create(SellerRequest.NewInstance("CS1", "CS1-000001", "ignored-business-id"), options: options);

    /// <summary>Makes the due attempt at <paramref name="at"/> with the given answer.</summary>
    private (SellerCall State, IReadOnlyList<ISellerCallEvent> Events) Attempt(
        SellerCall state, DateTimeOffset at, SellerOutcome outcome, SellerCallOptions? options = null, long latencyMs = 12)
    {
        var request = SellerCallMachine.NextRequest(state, $"biz-{++_ids}");
        return Run(state, new RecordSellerCallAttempt(at, request, outcome, latencyMs), at.AddMilliseconds(latencyMs), options);
    }

    private static SellerOutcome Answer(string activity, string body, int status = 200) =>
        SellerResponseClassifier.Classify(activity, SellerResponse.Http(status, body));

    [Fact]
    public void Create_queues_the_first_attempt_at_once_with_a_three_hour_window()
    {
        var call = NewInstanceCall();

        Assert.Equal(SellerCallKeys.For("newInstance", "CS1", "CS1-000001"), call.CallId);
        Assert.Equal(SellerCallStatus.Pending, call.Status);
        Assert.Equal("""{"activity":"newInstance","orderId":"CS1","orderLineId":"CS1-000001"}""", call.Payload);
        Assert.Equal("CS1", call.OrderId);
        Assert.Equal("CS1-000001", call.OrderLineId);
        Assert.Null(call.InstanceId);
        Assert.False(call.KitCall);
        Assert.Equal(T0, call.WindowStartedAt);
        Assert.Equal(T0.AddHours(3), call.Deadline);
        Assert.Equal(T0, SellerCallMachine.NextDeadline(call));
        Assert.True(SellerCallMachine.IsDue(call, T0));
        Assert.False(SellerCallMachine.IsDue(call, T0.AddTicks(-1)));
    }

    [Fact]
    public void Create_is_idempotent_and_refuses_another_payload_under_the_same_key()
    {
        var expire = T0.AddMonths(1);
        var request = SellerRequest.RefreshInstance(RefreshScene.Renewal, "R1", "R1-000001", "inst-1", expire);
        var call = Create(request);

        var again = SellerCallMachine.Decide(call, new CreateSellerCall("seller-1", "prod-1", request), T0.AddMinutes(5), Options);
        Assert.False(again.IsRejected);
        Assert.Empty(again.Events);

        var other = SellerRequest.RefreshInstance(RefreshScene.Renewal, "R1", "R1-000001", "inst-1", expire.AddDays(1));
        var command = new CreateSellerCall("seller-1", "prod-1", other);
        Assert.Equal(call.CallId, command.CallId);
        Assert.Equal("call.exists", Reject(call, command, T0).Code);
    }

    [Fact]
    public void Create_validates_its_input()
    {
        var request = SellerRequest.ReleaseInstance("inst-1");
        Assert.Equal("validation.failed", Reject(null, new CreateSellerCall("", "prod-1", request), T0).Code);
        Assert.Equal("validation.failed", Reject(null, new CreateSellerCall("seller-1", new string('p', 65), request), T0).Code);
        Assert.Equal("call.not-found", Reject(null, new RetrySellerCall(Seller), T0).Code);
    }

    [Fact]
    public void Success_finishes_the_call_with_the_instance_id()
    {
        var call = NewInstanceCall();

        var (done, events) = Attempt(call, T0, Answer("newInstance", """{"resultCode":"000000","resultMsg":"success.","instanceId":"inst-1"}"""));

        var succeeded = Assert.IsType<SellerCallSucceeded>(Assert.Single(events));
        Assert.Equal("call.succeeded", succeeded.Action);
        Assert.False(((ISellerCallEvent)succeeded).NotifySeller);
        Assert.Equal(SellerCallStatus.Succeeded, done.Status);
        Assert.Equal("inst-1", done.InstanceId);
        Assert.Equal(new SellerCallResult("inst-1", null), done.Result);
        Assert.Null(SellerCallMachine.NextDeadline(done));
        Assert.True(done.IsTerminal);

        var attempt = Assert.Single(done.Attempts);
        Assert.Equal(1, attempt.Number);
        Assert.Equal(T0, attempt.At);
        Assert.Equal("biz-1", attempt.BusinessId);
        Assert.Equal("""{"activity":"newInstance","businessId":"biz-1","orderId":"CS1","orderLineId":"CS1-000001"}""", attempt.RequestBody);
        Assert.Equal(200, attempt.HttpStatus);
        Assert.Equal("000000", attempt.ResultCode);
        Assert.Equal(12, attempt.LatencyMs);
        Assert.Equal(T0, done.FirstAttemptAt);
        Assert.Equal(T0, done.LastAttemptAt);

        Assert.Equal("call.not-awaiting-attempt",
            Reject(done, new RecordSellerCallAttempt(T0, SellerRequest.NewInstance("CS1", "CS1-000001", "b"), Fail5, 1), T0).Code);
    }

    [Fact]
    public void Failures_follow_the_backoff_schedule_1_2_5_10_20_30_30_and_park_when_the_window_is_spent()
    {
        var call = NewInstanceCall();
        var attemptMinutes = new List<double>();
        var notices = new List<SellerCallNotice>();
        var at = T0;

        while (call.Status != SellerCallStatus.Parked)
        {
            attemptMinutes.Add((at - T0).TotalMinutes);
            var (next, events) = Attempt(call, at, Fail5);
            foreach (var e in events)
            {
                var notice = SellerCallNotice.For(next, e);
                Assert.Equal(e.NotifySeller, notice is not null);
                if (notice is not null)
                {
                    notices.Add(notice);
                }
            }

            call = next;
            if (call.NextAttemptAt is { } due)
            {
                Assert.Equal(SellerCallStatus.Retrying, call.Status);
                at = due;
            }
        }

        Assert.Equal([0, 1, 3, 8, 18, 38, 68, 98, 128, 158], attemptMinutes);
        Assert.Equal(10, call.Attempts.Count);
        Assert.Equal(10, call.FailuresInWindow);
        Assert.Null(SellerCallMachine.NextDeadline(call));
        Assert.Equal(T0.AddMinutes(158).AddMilliseconds(12), call.ParkedAt);
        Assert.Contains("retry window ended", call.ParkedReason);
        Assert.Contains("resultCode 000005", call.ParkedReason);

        // One notice per failed attempt, plus one for the park.
        Assert.Equal(10, notices.Count(n => n.Kind == SellerCallNoticeKind.AttemptFailed));
        var parked = Assert.Single(notices, n => n.Kind == SellerCallNoticeKind.Parked);
        Assert.Equal("seller-1", parked.SellerId);
        Assert.Contains("CS1", parked.Subject);
        Assert.Contains("deliver the instance by hand", parked.Body);
        Assert.Contains("tries again at 2025-01-01 00:01:00 UTC", notices[0].Body);
    }

    [Fact]
    public void The_last_failure_schedules_exactly_at_the_deadline_but_not_after_it()
    {
        var options = new SellerCallOptions { RetryWindow = TimeSpan.FromMinutes(158) };
        var call = NewInstanceCall(options);
        var at = T0;
        for (var i = 0; i < 9; i++)
        {
            call = Attempt(call, at, Fail5, options).State;
            at = call.NextAttemptAt!.Value;
        }

        Assert.Equal(T0.AddMinutes(158), at);
        Assert.Equal(call.Deadline, at);
        Assert.Equal(SellerCallStatus.Retrying, call.Status);

        var (parked, events) = Attempt(call, at, Fail5, options);
        Assert.Collection(events,
            e => Assert.Null(Assert.IsType<SellerCallAttemptFailed>(e).NextAttemptAt),
            e => Assert.Equal("call.parked", Assert.IsType<SellerCallParked>(e).Action));
        Assert.Equal(SellerCallStatus.Parked, parked.Status);
    }

    [Fact]
    public void A_custom_backoff_repeats_its_last_value()
    {
        var options = new SellerCallOptions { Backoff = SellerCallOptions.ParseBackoff("00:00:10, 00:00:20"), RetryWindow = TimeSpan.FromMinutes(1) };
        var call = NewInstanceCall(options);
        var times = new List<double>();
        var at = T0;
        while (call.Status != SellerCallStatus.Parked)
        {
            times.Add((at - T0).TotalSeconds);
            call = Attempt(call, at, Fail5, options).State;
            at = call.NextAttemptAt ?? at;
        }

        Assert.Equal([0, 10, 30, 50], times);
    }

    [Fact]
    public void Every_kind_of_failure_is_retried()
    {
        SellerOutcome[] failures =
        [
            SellerResponseClassifier.Classify("newInstance", SellerResponse.Timeout(TimeSpan.FromSeconds(5))),
            SellerResponseClassifier.Classify("newInstance", SellerResponse.Failure("connection refused")),
            Answer("newInstance", "<html>", 200),
            Answer("newInstance", """{"resultCode":"000000","instanceId":"x"}""", 500),
            Answer("newInstance", "{}"),
            Answer("newInstance", """{"resultCode":"000001"}"""),
        ];
        var call = NewInstanceCall();
        var at = T0;
        foreach (var failure in failures)
        {
            var (next, events) = Attempt(call, at, failure);
            var failed = Assert.IsType<SellerCallAttemptFailed>(Assert.Single(events));
            Assert.True(((ISellerCallEvent)failed).NotifySeller);
            Assert.Equal(failure.Error, ((ISellerCallEvent)failed).Reason);
            call = next;
            at = call.NextAttemptAt!.Value;
        }

        Assert.Equal(SellerCallStatus.Retrying, call.Status);
        Assert.Equal(6, call.Attempts.Count);
        Assert.Equal("no answer within 5 s", call.Attempts[0].Error);
        Assert.Equal(SellerFailure.Transport, call.Attempts[1].Failure);
        Assert.Equal(500, call.Attempts[3].HttpStatus);
    }

    [Fact]
    public void Kit_calls_park_on_the_first_failure()
    {
        var call = Create(SellerRequest.Kit(SellerActivities.TenantSync, new Dictionary<string, object?> { ["tenantId"] = "t1", ["flag"] = 1, ["instanceId"] = "i1" }));
        Assert.True(call.KitCall);
        Assert.Equal("i1", call.InstanceId);

        var (parked, events) = Attempt(call, T0, Answer("tenantSync", """{"resultCode":"000005"}"""));

        Assert.Equal(2, events.Count);
        Assert.Equal(SellerCallStatus.Parked, parked.Status);
        Assert.Contains("not retried automatically", parked.ParkedReason);

        // A seller retry gives it one more attempt, then it parks again.
        var retried = Run(parked, new RetrySellerCall(Seller), T0.AddHours(1)).State;
        Assert.Equal(SellerCallStatus.Pending, retried.Status);
        var again = Attempt(retried, T0.AddHours(1), Answer("tenantSync", """{"resultCode":"000005"}""")).State;
        Assert.Equal(SellerCallStatus.Parked, again.Status);
    }

    [Fact]
    public void Seller_retry_is_only_for_parked_calls_and_gives_a_fresh_window()
    {
        var call = NewInstanceCall();
        Assert.Equal("call.not-parked", Reject(call, new RetrySellerCall(Seller), T0).Code);

        var parked = Run(call, TickSellerCall.Instance, T0.AddHours(4)).State;
        Assert.Equal(SellerCallStatus.Parked, parked.Status);

        var retryAt = T0.AddHours(5);
        var (retried, events) = Run(parked, new RetrySellerCall(Seller), retryAt);
        var e = Assert.IsType<SellerCallRetried>(Assert.Single(events));
        Assert.Equal("call.retried", e.Action);
        Assert.Equal(Seller, e.By);
        Assert.Equal(SellerCallStatus.Pending, retried.Status);
        Assert.Equal(retryAt, retried.WindowStartedAt);
        Assert.Equal(retryAt.AddHours(3), retried.Deadline);
        Assert.Equal(retryAt, retried.NextAttemptAt);
        Assert.Equal(0, retried.FailuresInWindow);
        Assert.Equal(2, retried.Window);
        Assert.Null(retried.ParkedReason);

        // The schedule restarts at 1 minute.
        var failed = Attempt(retried, retryAt, Fail5).State;
        Assert.Equal(retryAt.AddMinutes(1), failed.NextAttemptAt);

        Assert.Equal(ErrorKind.Forbidden, Reject(parked, new RetrySellerCall(new Actor("b", Role.Buyer)), retryAt).Kind);
    }

    [Fact]
    public void Manual_delivery_is_for_parked_newInstance_calls_only()
    {
        var call = NewInstanceCall();
        Assert.Equal("call.not-parked", Reject(call, new DeliverSellerCallManually(Seller, "inst-9", "done by hand"), T0).Code);

        var parked = Run(call, TickSellerCall.Instance, T0.AddHours(4)).State;
        Assert.Equal("validation.failed", Reject(parked, new DeliverSellerCallManually(Seller, "", null), T0).Code);
        Assert.Equal("validation.failed", Reject(parked, new DeliverSellerCallManually(Seller, new string('i', 65), null), T0).Code);
        Assert.Equal(ErrorKind.Forbidden, Reject(parked, new DeliverSellerCallManually(new Actor("r", Role.Reviewer), "inst-9", null), T0).Kind);

        var at = T0.AddHours(5);
        var (delivered, events) = Run(parked, new DeliverSellerCallManually(Seller, "inst-9", "opened by phone"), at);
        var e = Assert.IsType<SellerCallManuallyDelivered>(Assert.Single(events));
        Assert.Equal("call.manually-delivered", e.Action);
        Assert.Equal("opened by phone", ((ISellerCallEvent)e).Reason);
        Assert.Equal(SellerCallStatus.ManuallyDelivered, delivered.Status);
        Assert.Equal("inst-9", delivered.InstanceId);
        Assert.Equal(new ManualDelivery("inst-9", "opened by phone", Seller, at), delivered.ManualDelivery);
        Assert.True(delivered.IsTerminal);
        Assert.Null(SellerCallMachine.NextDeadline(delivered));
        Assert.Equal("call.not-parked", Reject(delivered, new RetrySellerCall(Seller), at).Code);

        var release = Run(Create(SellerRequest.ReleaseInstance("inst-1")), TickSellerCall.Instance, T0.AddHours(4)).State;
        Assert.Equal(SellerCallStatus.Parked, release.Status);
        Assert.Equal("call.manual-delivery-not-allowed", Reject(release, new DeliverSellerCallManually(Seller, "inst-1", null), T0).Code);
    }

    [Fact]
    public void In_progress_polls_queryInstance_until_the_app_info_comes_back()
    {
        var call = NewInstanceCall();

        var (progress, events) = Attempt(call, T0, Answer("newInstance", """{"resultCode":"000004","resultMsg":"processing","instanceId":"inst-7"}"""));
        var e = Assert.IsType<SellerCallInProgress>(Assert.Single(events));
        Assert.Equal("call.in-progress", e.Action);
        Assert.Equal(SellerCallStatus.InProgress, progress.Status);
        Assert.Equal("inst-7", progress.PollInstanceId);
        Assert.Equal("inst-7", progress.InstanceId);
        Assert.Equal(T0.AddMinutes(1), progress.NextAttemptAt);

        var poll = SellerCallMachine.NextRequest(progress, "unused");
        Assert.Equal("""{"activity":"queryInstance","instanceId":"inst-7"}""", poll.Body);

        // Not ready: info without appInfo, and a failed poll, both keep polling, with no notification.
        var (notYet, e2) = Attempt(progress, T0.AddMinutes(1), Answer("queryInstance", """{"resultCode":"000000","info":[{"instanceId":"inst-7"}]}"""));
        Assert.Equal(SellerCallStatus.InProgress, notYet.Status);
        Assert.Equal(T0.AddMinutes(2), notYet.NextAttemptAt);
        Assert.False(Assert.Single(e2).NotifySeller);
        var down = Attempt(notYet, T0.AddMinutes(2), Answer("queryInstance", "oops", 502)).State;
        Assert.Equal(SellerCallStatus.InProgress, down.Status);
        Assert.Equal(0, down.FailuresInWindow);

        var (done, e3) = Attempt(down, T0.AddMinutes(3), Answer("queryInstance",
            """{"resultCode":"000000","info":[{"instanceId":"inst-7","appInfo":{"frontEndUrl":"https://app.example.com","userName":"admin"}}]}"""));
        Assert.IsType<SellerCallSucceeded>(Assert.Single(e3));
        Assert.Equal(SellerCallStatus.Succeeded, done.Status);
        Assert.Equal(new SellerCallResult("inst-7", new AppInfo("https://app.example.com", UserName: "admin")), done.Result);
        Assert.Equal(4, done.Attempts.Count);
        Assert.Equal("queryInstance", done.Attempts[3].Activity);
        Assert.Null(done.Attempts[3].BusinessId);
    }

    [Fact]
    public void In_progress_without_an_instance_id_repeats_newInstance_with_a_new_business_id()
    {
        var call = NewInstanceCall();
        var progress = Attempt(call, T0, Answer("newInstance", """{"resultCode":"000004"}""")).State;
        Assert.Null(progress.PollInstanceId);

        var repeat = SellerCallMachine.NextRequest(progress, "biz-next");
        Assert.Equal("newInstance", repeat.Activity);
        Assert.Equal("biz-next", repeat.BusinessId);

        var done = Attempt(progress, T0.AddMinutes(1), Answer("newInstance", """{"resultCode":"000000","instanceId":"biz-1"}""")).State;
        Assert.Equal(SellerCallStatus.Succeeded, done.Status);
        Assert.Equal("biz-1", done.InstanceId);
        Assert.NotEqual(done.Attempts[0].BusinessId, done.Attempts[1].BusinessId);
    }

    [Fact]
    public void In_progress_parks_when_the_window_ends_before_the_seller_finishes()
    {
        var options = new SellerCallOptions { RetryWindow = TimeSpan.FromMinutes(3) };
        var call = NewInstanceCall(options);
        call = Attempt(call, T0, Answer("newInstance", """{"resultCode":"000004","instanceId":"i"}"""), options).State;
        var notReady = Answer("queryInstance", """{"resultCode":"000000","info":[]}""");
        call = Attempt(call, T0.AddMinutes(1), notReady, options).State;
        call = Attempt(call, T0.AddMinutes(2), notReady, options).State;
        Assert.Equal(T0.AddMinutes(3), call.NextAttemptAt);

        var (parked, events) = Attempt(call, T0.AddMinutes(3), notReady, options);
        Assert.Equal(2, events.Count);
        Assert.Equal(SellerCallStatus.Parked, parked.Status);
        Assert.Contains("000004", parked.ParkedReason);
    }

    [Fact]
    public void Upgrade_in_progress_polls_the_upgraded_instance()
    {
        var call = Create(SellerRequest.UpgradeInstance("inst-1", "G1", "G1-000001"));
        Assert.Equal("inst-1", call.InstanceId);

        var progress = Attempt(call, T0, Answer("upgradeInstance", """{"resultCode":"000004"}""")).State;
        Assert.Equal("inst-1", progress.PollInstanceId);
        Assert.Equal("queryInstance", SellerCallMachine.NextRequest(progress, "x").Activity);

        var done = Attempt(progress, T0.AddMinutes(1), Answer("queryInstance", """{"resultCode":"000000","info":[{"instanceId":"inst-1"}]}""")).State;
        Assert.Equal(SellerCallStatus.Succeeded, done.Status);
        Assert.Equal("inst-1", done.Result!.InstanceId);
    }

    [Fact]
    public void A_repeated_newInstance_that_returns_another_instance_id_keeps_the_first()
    {
        var options = new SellerCallOptions { RetryWindow = TimeSpan.FromMinutes(1) };
        var call = NewInstanceCall(options);
        call = Attempt(call, T0, Answer("newInstance", """{"resultCode":"000004","instanceId":"first"}"""), options).State;
        call = Attempt(call, T0.AddMinutes(1), Answer("queryInstance", """{"resultCode":"000003"}"""), options).State;
        Assert.Equal(SellerCallStatus.Parked, call.Status);

        call = Run(call, new RetrySellerCall(Seller), T0.AddHours(1), options).State;
        Assert.Equal("newInstance", SellerCallMachine.NextRequest(call, "b").Activity);
        var (done, events) = Attempt(call, T0.AddHours(1), Answer("newInstance", """{"resultCode":"000000","instanceId":"second"}"""), options);

        var e = Assert.IsType<SellerCallSucceeded>(Assert.Single(events));
        Assert.Contains("second", ((ISellerCallEvent)e).Reason);
        Assert.Equal(SellerCallStatus.Succeeded, done.Status);
        Assert.Equal("first", done.InstanceId);
        Assert.Equal("first", done.Result!.InstanceId);
        Assert.Equal(new InstanceIdMismatch("first", "second", 3, T0.AddHours(1).AddMilliseconds(12)), done.InstanceIdMismatch);
    }

    [Fact]
    public void An_attempt_must_be_the_one_that_is_due()
    {
        var call = NewInstanceCall();
        var wrong = new RecordSellerCallAttempt(T0, SellerRequest.ReleaseInstance("i"), Fail5, 3);
        Assert.Equal("validation.failed", Reject(call, wrong, T0).Code);
        var negative = new RecordSellerCallAttempt(T0, SellerCallMachine.NextRequest(call, "b"), Fail5, -1);
        Assert.Equal("validation.failed", Reject(call, negative, T0).Code);
    }

    [Fact]
    public void Body_sign_mismatch_is_kept_on_the_attempt()
    {
        const string body = """{"resultCode":"000000","resultMsg":"success"}""";
        var outcome = SellerResponseClassifier.Classify("releaseInstance", SellerResponse.Http(200, body, BodySign.HeaderFor("wrong", body)), "right");
        var done = Attempt(Create(SellerRequest.ReleaseInstance("inst-1")), T0, outcome).State;
        Assert.Equal(SellerCallStatus.Succeeded, done.Status);
        Assert.True(Assert.Single(done.Attempts).BodySignMismatch);
    }

    [Fact]
    public void Tick_parks_only_an_active_call_whose_window_has_ended()
    {
        var call = NewInstanceCall();
        Assert.Empty(SellerCallMachine.Decide(call, TickSellerCall.Instance, T0.AddHours(3), Options).Events);

        var (parked, events) = Run(call, TickSellerCall.Instance, T0.AddHours(3).AddSeconds(1));
        Assert.True(Assert.IsType<SellerCallParked>(Assert.Single(events)).NotifySeller);
        Assert.Equal(SellerCallStatus.Parked, parked.Status);
        Assert.Contains("before the next attempt", parked.ParkedReason);

        Assert.Empty(SellerCallMachine.Decide(parked, TickSellerCall.Instance, T0.AddHours(9), Options).Events);
    }

    [Fact]
    public void Test_calls_poll_with_the_test_flag()
    {
        var call = Create(SellerRequest.NewInstance("MOCKPERIODYEARNEW", "MOCKPERIODYEARNEW-000001", null, test: true));
        var progress = Attempt(call, T0, Answer("newInstance", """{"resultCode":"000004","instanceId":"i1"}""")).State;
        Assert.True(SellerCallMachine.NextRequest(progress, "x").IsTest);
        Assert.Contains("\"testFlag\":\"1\"", progress.Attempts[0].RequestBody);
    }
}

public class SellerCallSerializationTests
{
    [Fact]
    public void Snapshots_and_events_round_trip_through_system_text_json()
    {
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var options = new SellerCallOptions();
        var events = new List<ISellerCallEvent>();
        SellerCall? call = null;

        void Step(ISellerCallCommand command, DateTimeOffset now)
        {
            var decision = SellerCallMachine.Decide(call, command, now, options);
            Assert.False(decision.IsRejected, decision.Error?.Detail);
            events.AddRange(decision.Events);
            call = SellerCallMachine.ApplyAll(call, decision.Events);
        }

        Step(new CreateSellerCall("seller-1", "prod-1", SellerRequest.NewInstance("O1", "O1-000001", null)), t0);
        var inProgress = SellerResponseClassifier.Classify("newInstance", SellerResponse.Http(200, """{"resultCode":"000004","instanceId":"i1"}"""));
        Step(new RecordSellerCallAttempt(t0, SellerCallMachine.NextRequest(call!, "b1"), inProgress, 5), t0);
        var ready = SellerResponseClassifier.Classify("queryInstance", SellerResponse.Http(200,
            """{"resultCode":"000000","info":[{"instanceId":"i1","appInfo":{"frontEndUrl":"https://a.example.com","memo":"中文"}}]}"""));
        Step(new RecordSellerCallAttempt(t0.AddMinutes(1), SellerCallMachine.NextRequest(call!, "b2"), ready, 7), t0.AddMinutes(1));

        var json = System.Text.Json.JsonSerializer.Serialize(call);
        var back = System.Text.Json.JsonSerializer.Deserialize<SellerCall>(json)!;

        Assert.Equal(call!.Status, back.Status);
        Assert.Equal(call.Result, back.Result);
        Assert.Equal(call.Attempts, back.Attempts);
        Assert.Equal(call.Deadline, back.Deadline);
        Assert.Equal(call.Payload, back.Payload);
        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(back));

        foreach (var e in events)
        {
            var text = System.Text.Json.JsonSerializer.Serialize(e, e.GetType());
            var copy = (ISellerCallEvent)System.Text.Json.JsonSerializer.Deserialize(text, e.GetType())!;
            Assert.Equal(text, System.Text.Json.JsonSerializer.Serialize(copy, e.GetType()));
            Assert.Equal(e.Action, copy.Action);
        }
    }
}

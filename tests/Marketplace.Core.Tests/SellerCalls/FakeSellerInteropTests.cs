using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Marketplace.Core.Common;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;
using Marketplace.FakeSeller;

namespace Marketplace.Core.Tests.SellerCalls;

/// <summary>
/// The platform's protocol code against the fake seller, whose verification is written independently (Java-demo style).
/// Everything runs on 127.0.0.1.
/// </summary>
public sealed class FakeSellerInteropTests : IAsyncLifetime
{
    private const string Key = "base-key-0001";
    private const string KitKey = "kit-key-0001";

    private readonly HttpClient _http = new();
    private FakeSellerServer _seller = null!;

    public async Task InitializeAsync() => _seller = await FakeSellerServer.StartAsync(Key, KitKey);

    public async Task DisposeAsync()
    {
        await _seller.DisposeAsync();
        _http.Dispose();
    }

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>What the platform's dispatcher does at the edge: POST with a timeout and turn the result into a <see cref="SellerResponse"/>.</summary>
    private async Task<SellerResponse> SendAsync(SignedSellerRequest signed, TimeSpan? timeout = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, signed.Url)
        {
            Content = new StringContent(signed.Body, Encoding.UTF8),
        };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(SignedSellerRequest.ContentType);
        foreach (var (name, value) in signed.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        var limit = timeout ?? TimeSpan.FromSeconds(5);
        using var cts = new CancellationTokenSource(limit);
        try
        {
            using var response = await _http.SendAsync(message, cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            var bodySign = response.Headers.TryGetValues(BodySign.HeaderName, out var values) ? values.First() : null;
            return SellerResponse.Http((int)response.StatusCode, body, bodySign);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return SellerResponse.Timeout(limit);
        }
        catch (HttpRequestException ex)
        {
            return SellerResponse.Failure(ex.Message);
        }
    }

    private Task<SellerResponse> SendAsync(SellerRequest request, string key = Key, string? nonce = null, long? timestamp = null, TimeSpan? timeout = null) =>
        SendAsync(SellerRequestSigner.Sign(request, _seller.ProductionUrl, key, nonce ?? RandomNonceSource.Instance.NewNonce(), timestamp ?? NowMs), timeout);

    private static SellerOutcome Classify(SellerRequest request, SellerResponse response) =>
        SellerResponseClassifier.Classify(request.Activity, response, Key);

    [Fact]
    public async Task A_request_signed_by_the_platform_verifies_at_the_seller()
    {
        var request = SellerRequest.NewInstance("CS2211181819B4LVS", "CS2211181819B4LVS-000001", "87b94795-0603-4e24-8ae5-69420d60e3c8", test: true);

        var outcome = Classify(request, await SendAsync(request));

        Assert.Equal(SellerOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal("87b94795-0603-4e24-8ae5-69420d60e3c8", outcome.InstanceId);
        var received = Assert.Single(_seller.Requests);
        Assert.True(received.Verified, received.VerificationError);
        Assert.Equal("newInstance", received.Activity);
        Assert.Equal(request.Body, received.Body);
        Assert.Equal(0, received.KeyIndex);
        Assert.Equal("1", received.Field("testFlag"));
    }

    [Fact]
    public async Task A_body_altered_after_signing_is_rejected()
    {
        var request = SellerRequest.NewInstance("O1", "O1-000001", "b-1");
        var signed = SellerRequestSigner.Sign(request, _seller.ProductionUrl, Key, RandomNonceSource.Instance.NewNonce(), NowMs);
        var tampered = signed with { Body = signed.Body.Replace("O1-000001", "O1-000002", StringComparison.Ordinal) };

        var outcome = Classify(request, await SendAsync(tampered));

        Assert.Equal(SellerFailure.ResultCode, outcome.Failure);
        Assert.Equal(ResultCodes.AuthenticationFailed, outcome.ResultCode);
        var received = Assert.Single(_seller.Requests);
        Assert.False(received.Verified);
        Assert.Contains("signature mismatch", received.VerificationError);
        Assert.Empty(_seller.Instances);
    }

    [Fact]
    public async Task Seller_reserializes_so_a_reordered_body_still_verifies_but_a_wrong_key_does_not()
    {
        var request = SellerRequest.ReleaseInstance("inst-x");
        var signed = SellerRequestSigner.Sign(request, _seller.ProductionUrl, Key, RandomNonceSource.Instance.NewNonce(), NowMs);
        var reordered = signed with { Body = """{ "instanceId" : "inst-x", "activity" : "releaseInstance", "gone": null }""" };

        await SendAsync(reordered);
        await SendAsync(request, key: "some-other-key");

        Assert.True(_seller.Requests[0].Verified);
        Assert.Equal("000003", _seller.Requests[0].ResultCode); // verified; the instance is unknown
        Assert.False(_seller.Requests[1].Verified);
    }

    [Fact]
    public async Task Lower_case_signatures_stale_timestamps_and_reused_nonces()
    {
        var request = SellerRequest.UpdateInstanceStatus("i1", InstanceStatusChange.Freeze);
        var signed = SellerRequestSigner.Sign(request, _seller.ProductionUrl, Key, "nonce-1", NowMs);
        var lower = signed with { Url = new Uri(signed.Url.AbsoluteUri.Replace(signed.Signature, signed.Signature.ToLowerInvariant(), StringComparison.Ordinal)) };

        await SendAsync(lower);
        await SendAsync(request, nonce: "nonce-1");
        await SendAsync(request, timestamp: NowMs - 61_000);
        await SendAsync(request, timestamp: NowMs - 50_000);

        var r = _seller.Requests;
        Assert.True(r[0].Verified);
        Assert.Contains("nonce reused", r[1].VerificationError);
        Assert.Equal("000001", r[1].ResultCode);
        Assert.Contains("timestamp", r[2].VerificationError);
        Assert.True(r[3].Verified);
    }

    [Fact]
    public async Task During_a_key_rotation_the_seller_accepts_both_keys()
    {
        var request = SellerRequest.ChangeInstanceCheck("i1", new() { ["productId"] = "p2" });
        _seller.SetAccessKeys(Key, "base-key-0002");

        await SendAsync(request, key: Key);
        await SendAsync(request, key: "base-key-0002");
        _seller.SetAccessKeys("base-key-0002");
        await SendAsync(request, key: Key);

        Assert.Equal([true, true, false], _seller.Requests.Select(r => r.Verified));
        Assert.Equal(1, _seller.Requests[1].KeyIndex);
    }

    [Fact]
    public async Task Kit_calls_are_verified_with_x_sign_and_the_kit_key()
    {
        var request = SellerRequest.Kit(SellerActivities.TenantSync, new Dictionary<string, object?>
        {
            ["instanceId"] = "huaiweitest123456",
            ["orderId"] = "CS1906666666ABCDE",
            ["tenantId"] = "68cbc86aaaa",
            ["tenantCode"] = "huawei",
            ["name"] = "测试企业",
            ["domainName"] = "https://example.tenantaccount.com",
            ["flag"] = 1,
            ["testFlag"] = 0,
            ["timeStamp"] = "20220413093539534",
        });

        var ok = Classify(request, await SendAsync(request, key: KitKey));
        var wrong = Classify(request, await SendAsync(request, key: Key));

        Assert.True(ok.IsSuccess);
        Assert.Equal("000001", wrong.ResultCode);
        var received = _seller.Requests[0];
        Assert.True(received.IsKit);
        Assert.Equal("tenantSync", received.Activity);
        Assert.Equal("/saasproduce/produceAPI/v2/tenantSync", received.Path);
        Assert.True(received.Verified, received.VerificationError);
        Assert.False(_seller.Requests[1].Verified);
    }

    [Fact]
    public async Task Signed_responses_verify_with_the_platform_body_sign_check()
    {
        _seller.SignResponses = true;
        var ok = Classify(SellerRequest.NewInstance("O1", "O1-000001", "b1"), await SendAsync(SellerRequest.NewInstance("O1", "O1-000001", "b1")));
        _seller.ResponseSigningKey = "not-the-key";
        var bad = Classify(SellerRequest.NewInstance("O1", "O1-000001", "b2"), await SendAsync(SellerRequest.NewInstance("O1", "O1-000001", "b2")));

        Assert.True(ok.IsSuccess);
        Assert.False(ok.BodySignMismatch);
        Assert.True(bad.IsSuccess);
        Assert.True(bad.BodySignMismatch);
    }

    [Fact]
    public async Task The_seller_is_idempotent_per_order_line()
    {
        var first = Classify(SellerRequest.NewInstance("O1", "O1-000001", "b1"), await SendAsync(SellerRequest.NewInstance("O1", "O1-000001", "b1")));
        var again = Classify(SellerRequest.NewInstance("O1", "O1-000001", "b2"), await SendAsync(SellerRequest.NewInstance("O1", "O1-000001", "b2")));
        var other = Classify(SellerRequest.NewInstance("O1", "O1-000002", "b3"), await SendAsync(SellerRequest.NewInstance("O1", "O1-000002", "b3")));

        Assert.Equal("b1", first.InstanceId);
        Assert.Equal("b1", again.InstanceId);
        Assert.Equal("b3", other.InstanceId);
        Assert.Equal("b1", _seller.FindInstanceByOrder("O1", "O1-000001")!.FirstBusinessId);
    }

    [Fact]
    public async Task Instance_lifecycle_calls_change_the_seller_instance()
    {
        await SendAsync(SellerRequest.NewInstance("O1", "O1-000001", "inst-1"));
        var expire = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
        var calls = new[]
        {
            SellerRequest.RefreshInstance(RefreshScene.Renewal, "R1", "R1-000001", "inst-1", expire),
            SellerRequest.UpdateInstanceStatus("inst-1", InstanceStatusChange.Freeze),
            SellerRequest.UpgradeInstance("inst-1", "G1", "G1-000001"),
            SellerRequest.ReleaseInstance("inst-1", "U1", "U1-000001"),
            SellerRequest.ReleaseInstance("inst-1"),
            SellerRequest.UpdateInstanceStatus("missing", InstanceStatusChange.Unfreeze),
        };
        var outcomes = new List<SellerOutcome>();
        foreach (var call in calls)
        {
            outcomes.Add(Classify(call, await SendAsync(call)));
        }

        Assert.Equal(["000000", "000000", "000000", "000000", "000000", "000003"], outcomes.Select(o => o.ResultCode));
        var instance = _seller.FindInstance("inst-1")!;
        Assert.Equal("Released", instance.Status);
        Assert.Equal("20260201000000", instance.ExpireTime);
        Assert.Equal("RENEWAL", instance.LastScene);
        Assert.Equal(["G1"], instance.UpgradeOrders);
    }

    [Fact]
    public async Task Failure_scenarios_look_like_failures_to_the_classifier()
    {
        _seller.SetScenarioForOrder("F1", FakeScenario.FailTimes(2));
        _seller.SetScenarioForOrder("F2", FakeScenario.FailTimes(1, FakeFailure.Http500));
        _seller.SetScenarioForOrder("G1", FakeScenario.Garbage(times: 1));
        _seller.SetScenarioForOrder("D1", FakeScenario.Down(times: 1));
        _seller.SetScenarioForOrder("N1", FakeScenario.ResultCode("000100", times: 1));

        async Task<SellerOutcome> NewAsync(string order)
        {
            var request = SellerRequest.NewInstance(order, order + "-000001", RandomNonceSource.Instance.NewBusinessId());
            return Classify(request, await SendAsync(request));
        }

        Assert.Equal("000005", (await NewAsync("F1")).ResultCode);
        Assert.Equal("000005", (await NewAsync("F1")).ResultCode);
        Assert.True((await NewAsync("F1")).IsSuccess);
        var http500 = await NewAsync("F2");
        Assert.Equal((SellerFailure.HttpStatus, 500), (http500.Failure, http500.HttpStatus));
        Assert.True((await NewAsync("F2")).IsSuccess);
        Assert.Equal(SellerFailure.InvalidJson, (await NewAsync("G1")).Failure);
        var down = await NewAsync("D1");
        Assert.Equal((SellerFailure.HttpStatus, 503), (down.Failure, down.HttpStatus));
        Assert.Equal("000100", (await NewAsync("N1")).ResultCode);
        Assert.True((await NewAsync("N1")).IsSuccess);
    }

    [Fact]
    public async Task A_slow_seller_times_out_but_created_the_instance_so_the_retry_gets_the_same_id()
    {
        _seller.SetScenarioForActivity("newInstance", FakeScenario.Timeout(TimeSpan.FromSeconds(3), times: 1));

        var first = SellerRequest.NewInstance("T1", "T1-000001", "b-first");
        var timedOut = Classify(first, await SendAsync(first, timeout: TimeSpan.FromMilliseconds(300)));
        var retry = SellerRequest.NewInstance("T1", "T1-000001", "b-second");
        var ok = Classify(retry, await SendAsync(retry));

        Assert.Equal(SellerFailure.Timeout, timedOut.Failure);
        Assert.Equal("b-first", ok.InstanceId);
    }

    [Fact]
    public async Task A_stopped_seller_refuses_connections_until_it_restarts()
    {
        await _seller.StopAsync();
        var refused = Classify(SellerRequest.ReleaseInstance("x"), await SendAsync(SellerRequest.ReleaseInstance("x")));
        await _seller.RestartAsync();
        var back = Classify(SellerRequest.ReleaseInstance("x"), await SendAsync(SellerRequest.ReleaseInstance("x")));

        Assert.Equal(SellerFailure.Transport, refused.Failure);
        Assert.Equal("000003", back.ResultCode);
    }

    [Fact]
    public async Task Tests_can_await_requests_as_they_arrive()
    {
        var waiting = _seller.WaitForRequestsAsync("releaseInstance", 2);
        Assert.False(waiting.IsCompleted);

        await SendAsync(SellerRequest.ReleaseInstance("a"));
        await SendAsync(SellerRequest.UpdateInstanceStatus("a", InstanceStatusChange.Freeze));
        await SendAsync(SellerRequest.ReleaseInstance("b"));

        var received = await waiting;
        Assert.Equal(["a", "b"], received.Select(r => r.Field("instanceId")));
        await Assert.ThrowsAsync<TimeoutException>(() => _seller.WaitForRequestsAsync("newInstance", 1, TimeSpan.FromMilliseconds(100)));
    }

    /// <summary>Drives a call with the state machine the way the queue worker will: a virtual clock for the schedule, real signing.</summary>
    private async Task<SellerCall> DriveAsync(SellerCall call, DateTimeOffset now, SellerCallOptions options, int maxAttempts = 20)
    {
        for (var i = 0; i < maxAttempts && SellerCallMachine.IsDue(call, call.NextAttemptAt ?? now); i++)
        {
            var at = call.NextAttemptAt!.Value;
            var request = SellerCallMachine.NextRequest(call, RandomNonceSource.Instance.NewBusinessId());
            var watch = Stopwatch.StartNew();
            var response = await SendAsync(request);
            var outcome = SellerResponseClassifier.Classify(request.Activity, response, Key);
            var decision = SellerCallMachine.Decide(call, new RecordSellerCallAttempt(at, request, outcome, watch.ElapsedMilliseconds), at, options);
            Assert.False(decision.IsRejected, decision.Error?.Detail);
            call = SellerCallMachine.ApplyAll(call, decision.Events)!;
        }

        return call;
    }

    private static SellerCall Create(SellerRequest request, DateTimeOffset now, SellerCallOptions options)
    {
        var decision = SellerCallMachine.Decide(null, new CreateSellerCall("seller-1", "prod-1", request), now, options);
        return SellerCallMachine.ApplyAll(null, decision.Events)!;
    }

    [Fact]
    public async Task A_call_retries_through_failures_then_polls_until_the_app_info_arrives()
    {
        var options = new SellerCallOptions();
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _seller.SetScenarioForOrder("E1", FakeScenario.FailTimes(2));
        var call = Create(SellerRequest.NewInstance("E1", "E1-000001", null), t0, options);

        call = await DriveAsync(call, t0, options, maxAttempts: 3);
        Assert.Equal(SellerCallStatus.Succeeded, call.Status);
        Assert.Equal(3, call.Attempts.Count);
        Assert.Equal(call.Attempts[2].BusinessId, call.InstanceId);
        Assert.Equal(t0.AddMinutes(3), call.Attempts[2].At);

        _seller.SetScenarioForOrder("E2", FakeScenario.InProgressThenAppInfo(notReadyPolls: 2));
        var slow = await DriveAsync(Create(SellerRequest.NewInstance("E2", "E2-000001", null), t0, options), t0, options);
        Assert.Equal(SellerCallStatus.Succeeded, slow.Status);
        Assert.Equal(["newInstance", "queryInstance", "queryInstance", "queryInstance"], slow.Attempts.Select(a => a.Activity));
        Assert.Equal(slow.Attempts[0].BusinessId, slow.Result!.InstanceId);
        Assert.Equal("admin", slow.Result.AppInfo!.UserName);
        Assert.Equal("测试实例 (test instance)", slow.Result.AppInfo.Memo);
    }

    [Fact]
    public async Task A_non_idempotent_seller_is_caught_as_an_instance_id_mismatch()
    {
        var options = new SellerCallOptions { RetryWindow = TimeSpan.FromMinutes(2) };
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _seller.SetScenarioForOrder("M1", FakeScenario.InProgressThenAppInfo(notReadyPolls: 100));
        var call = await DriveAsync(Create(SellerRequest.NewInstance("M1", "M1-000001", null), t0, options), t0, options);
        Assert.Equal(SellerCallStatus.Parked, call.Status);
        var firstId = call.InstanceId;

        _seller.SetScenarioForOrder("M1", FakeScenario.DifferentInstanceIdOnRepeat());
        var retryAt = t0.AddHours(1);
        var retried = SellerCallMachine.Decide(call, new RetrySellerCall(new Actor("seller-1", Role.Seller)), retryAt, options);
        call = await DriveAsync(SellerCallMachine.ApplyAll(call, retried.Events)!, retryAt, options);

        Assert.Equal(SellerCallStatus.Succeeded, call.Status);
        Assert.Equal(firstId, call.InstanceId);
        Assert.NotNull(call.InstanceIdMismatch);
        Assert.Equal(firstId, call.InstanceIdMismatch.Kept);
        Assert.Equal(call.Attempts[^1].BusinessId, call.InstanceIdMismatch.Returned);
    }
}

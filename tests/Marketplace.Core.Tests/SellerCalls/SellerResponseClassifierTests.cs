using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Tests.SellerCalls;

public class SellerResponseClassifierTests
{
    private const string Key = "test-access-key-0001";

    private static SellerOutcome Classify(string activity, int status, string? body, string? bodySign = null, string? key = null, bool strict = false) =>
        SellerResponseClassifier.Classify(activity, SellerResponse.Http(status, body, bodySign), key, strict);

    [Fact]
    public void Every_documented_result_code_has_a_meaning()
    {
        string[] codes = ["000000", "000001", "000002", "000003", "000004", "000005", "000100", "000101", "000102", "000103", "000104", "000105", "000106", "000107"];
        Assert.Equal(codes.Order(), ResultCodes.Meanings.Keys.Order());
        Assert.All(codes, c => Assert.True(ResultCodes.IsKnown(c)));
        Assert.Equal("unknown result code", ResultCodes.Describe("999999"));
        Assert.Equal("authentication failed (the seller could not verify the signature)", ResultCodes.Describe("000001"));
    }

    [Fact]
    public void Success_for_newInstance_needs_an_instance_id()
    {
        var ok = Classify("newInstance", 200, """{"resultCode":"000000","resultMsg":"success.","instanceId":"inst-1"}""");
        Assert.Equal(SellerOutcomeKind.Succeeded, ok.Kind);
        Assert.Equal("inst-1", ok.InstanceId);
        Assert.Equal("000000", ok.ResultCode);
        Assert.Equal("success.", ok.ResultMsg);
        Assert.Equal(200, ok.HttpStatus);

        var missing = Classify("newInstance", 200, """{"resultCode":"000000"}""");
        Assert.Equal(SellerOutcomeKind.Failed, missing.Kind);
        Assert.Equal(SellerFailure.InvalidResponse, missing.Failure);

        var tooLong = Classify("newInstance", 200, $$"""{"resultCode":"000000","instanceId":"{{new string('i', 65)}}"}""");
        Assert.Equal(SellerFailure.InvalidResponse, tooLong.Failure);
    }

    [Theory]
    [InlineData("refreshInstance")]
    [InlineData("updateInstanceStatus")]
    [InlineData("releaseInstance")]
    [InlineData("upgradeInstance")]
    [InlineData("changeInstanceCheck")]
    [InlineData("tenantSync")]
    public void Success_for_other_activities_is_just_000000(string activity)
    {
        var outcome = Classify(activity, 200, """{"resultCode":"000000","resultMsg":"success"}""");
        Assert.Equal(SellerOutcomeKind.Succeeded, outcome.Kind);
        Assert.Null(outcome.Error);
    }

    [Theory]
    [InlineData("newInstance")]
    [InlineData("upgradeInstance")]
    public void In_progress_for_create_and_upgrade(string activity)
    {
        var outcome = Classify(activity, 200, """{"resultCode":"000004","resultMsg":"request is processing","instanceId":"inst-9"}""");
        Assert.Equal(SellerOutcomeKind.InProgress, outcome.Kind);
        Assert.Equal("inst-9", outcome.InstanceId);

        var noId = Classify(activity, 200, """{"resultCode":"000004"}""");
        Assert.Equal(SellerOutcomeKind.InProgress, noId.Kind);
        Assert.Null(noId.InstanceId);
    }

    [Theory]
    [InlineData("refreshInstance")]
    [InlineData("releaseInstance")]
    [InlineData("queryInstance")]
    public void In_progress_is_a_failure_for_other_activities(string activity)
    {
        var outcome = Classify(activity, 200, """{"resultCode":"000004"}""");
        Assert.Equal(SellerOutcomeKind.Failed, outcome.Kind);
        Assert.Equal(SellerFailure.ResultCode, outcome.Failure);
    }

    [Theory]
    [InlineData("000001")]
    [InlineData("000002")]
    [InlineData("000003")]
    [InlineData("000005")]
    [InlineData("000100")]
    [InlineData("000101")]
    [InlineData("000102")]
    [InlineData("000103")]
    [InlineData("000104")]
    [InlineData("000105")]
    [InlineData("000106")]
    [InlineData("000107")]
    [InlineData("123456")]
    public void Every_other_code_is_a_retryable_failure_with_its_meaning(string code)
    {
        var outcome = Classify("newInstance", 200, $$"""{"resultCode":"{{code}}","resultMsg":"nope","instanceId":"x"}""");
        Assert.Equal(SellerOutcomeKind.Failed, outcome.Kind);
        Assert.Equal(SellerFailure.ResultCode, outcome.Failure);
        Assert.Equal(code, outcome.ResultCode);
        Assert.Equal("nope", outcome.ResultMsg);
        Assert.Contains(ResultCodes.Describe(code), outcome.Error);
        Assert.Null(outcome.InstanceId);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(201)]
    [InlineData(302)]
    public void Non_200_fails_even_with_a_success_body(int status)
    {
        var outcome = Classify("newInstance", status, """{"resultCode":"000000","instanceId":"i"}""");
        Assert.Equal(SellerOutcomeKind.Failed, outcome.Kind);
        Assert.Equal(SellerFailure.HttpStatus, outcome.Failure);
        Assert.Equal(status, outcome.HttpStatus);
        Assert.Equal("000000", outcome.ResultCode);
    }

    [Fact]
    public void Timeouts_and_transport_errors_fail()
    {
        var timeout = SellerResponseClassifier.Classify("newInstance", SellerResponse.Timeout(TimeSpan.FromSeconds(5)));
        Assert.Equal(SellerFailure.Timeout, timeout.Failure);
        Assert.Equal("no answer within 5 s", timeout.Error);
        Assert.Null(timeout.HttpStatus);

        var refused = SellerResponseClassifier.Classify("newInstance", SellerResponse.Failure("connection refused"));
        Assert.Equal(SellerFailure.Transport, refused.Failure);
        Assert.Equal("connection refused", refused.Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<html>oops</html>")]
    [InlineData("{\"resultCode\":")]
    [InlineData("[\"000000\"]")]
    [InlineData("\"000000\"")]
    public void Garbage_bodies_fail_as_invalid_json(string? body)
    {
        var outcome = Classify("newInstance", 200, body);
        Assert.Equal(SellerFailure.InvalidJson, outcome.Failure);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"resultMsg\":\"success\"}")]
    [InlineData("{\"resultCode\":0}")]
    [InlineData("{\"resultCode\":\"\"}")]
    public void A_missing_result_code_fails(string body)
    {
        Assert.Equal(SellerFailure.MissingResultCode, Classify("releaseInstance", 200, body).Failure);
    }

    [Fact]
    public void QueryInstance_parses_info_and_app_info()
    {
        var outcome = Classify("queryInstance", 200, """
            {"resultCode":"000000","resultMsg":"success","info":[
              {"instanceId":"i1","appInfo":{"frontEndUrl":"https://app.example.com","adminUrl":"https://admin.example.com","userName":"u","password":"p","memo":"\u4e2d\u6587"}},
              {"instanceId":"i2","usageInfo":[{"relatedInstanceId":"i2","usageValue":12.5,"statisticalTime":"20230101000000000","dashboardUrl":"https://d.example.com"}]}
            ]}
            """);

        Assert.Equal(SellerOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal(2, outcome.InfoOrEmpty.Count);
        Assert.Equal(new AppInfo("https://app.example.com", "https://admin.example.com", "u", "p", "中文"), outcome.InfoOrEmpty[0].AppInfo);
        Assert.Null(outcome.InfoOrEmpty[1].AppInfo);
        Assert.Equal(12.5m, outcome.InfoOrEmpty[1].UsageInfo[0].UsageValue);
    }

    [Theory]
    [InlineData("frontEndUrl", 513)]
    [InlineData("adminUrl", 513)]
    [InlineData("userName", 129)]
    [InlineData("password", 129)]
    [InlineData("memo", 1025)]
    public void QueryInstance_app_info_lengths_are_enforced(string field, int length)
    {
        var fields = new Dictionary<string, string> { ["frontEndUrl"] = "https://app.example.com" };
        fields[field] = new string('x', length);
        var appInfo = string.Join(",", fields.Select(f => $"\"{f.Key}\":\"{f.Value}\""));

        var outcome = Classify("queryInstance", 200, """{"resultCode":"000000","info":[{"instanceId":"i1","appInfo":{""" + appInfo + "}}]}");

        Assert.Equal(SellerFailure.InvalidResponse, outcome.Failure);
        Assert.Contains(field, outcome.Error);

        fields[field] = new string('x', length - 1);
        appInfo = string.Join(",", fields.Select(f => $"\"{f.Key}\":\"{f.Value}\""));
        Assert.True(Classify("queryInstance", 200, """{"resultCode":"000000","info":[{"instanceId":"i1","appInfo":{""" + appInfo + "}}]}").IsSuccess);
    }

    [Fact]
    public void QueryInstance_app_info_needs_a_front_end_url()
    {
        var outcome = Classify("queryInstance", 200, """{"resultCode":"000000","info":[{"instanceId":"i1","appInfo":{"adminUrl":"https://a.example.com"}}]}""");
        Assert.Equal(SellerFailure.InvalidResponse, outcome.Failure);
    }

    [Fact]
    public void Body_sign_mismatch_is_recorded_but_not_fatal_unless_strict()
    {
        const string body = """{"resultCode":"000000","resultMsg":"success."}""";
        var good = Classify("releaseInstance", 200, body, BodySign.HeaderFor(Key, body), Key);
        Assert.True(good.IsSuccess);
        Assert.False(good.BodySignMismatch);

        var bad = Classify("releaseInstance", 200, body, BodySign.HeaderFor("wrong", body), Key);
        Assert.True(bad.IsSuccess);
        Assert.True(bad.BodySignMismatch);

        var strict = Classify("releaseInstance", 200, body, BodySign.HeaderFor("wrong", body), Key, strict: true);
        Assert.Equal(SellerFailure.InvalidResponse, strict.Failure);
        Assert.True(strict.BodySignMismatch);

        var unsigned = Classify("releaseInstance", 200, body, null, Key, strict: true);
        Assert.True(unsigned.IsSuccess);
    }

    [Fact]
    public void Long_result_messages_are_cut_to_255()
    {
        var outcome = Classify("releaseInstance", 200, $$"""{"resultCode":"000005","resultMsg":"{{new string('m', 300)}}"}""");
        Assert.Equal(255, outcome.ResultMsg!.Length);
    }
}

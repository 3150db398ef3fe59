using System.Text.Json.Nodes;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Tests.SellerCalls;

public class SellerRequestTests
{
    [Fact]
    public void NewInstance_template_has_no_business_id_and_each_attempt_adds_one()
    {
        var template = SellerRequest.NewInstance("O1", "O1-000001", businessId: null);
        Assert.Equal("""{"activity":"newInstance","orderId":"O1","orderLineId":"O1-000001"}""", template.Body);
        Assert.Null(template.BusinessId);

        var first = template.WithBusinessId("b-1");
        var second = template.WithBusinessId("b-2");
        Assert.Equal("""{"activity":"newInstance","businessId":"b-1","orderId":"O1","orderLineId":"O1-000001"}""", first.Body);
        Assert.Equal("b-2", second.BusinessId);
        Assert.Equal(template, second.WithoutBusinessId());
        Assert.False(first.IsTest);
    }

    [Fact]
    public void Test_flag_is_the_string_1_for_debug_and_omitted_otherwise()
    {
        Assert.Contains("\"testFlag\":\"1\"", SellerRequest.UpdateInstanceStatus("i1", InstanceStatusChange.Freeze, test: true).Body);
        Assert.True(SellerRequest.UpdateInstanceStatus("i1", InstanceStatusChange.Freeze, test: true).IsTest);
        Assert.DoesNotContain("testFlag", SellerRequest.UpdateInstanceStatus("i1", InstanceStatusChange.Freeze).Body);
    }

    [Fact]
    public void QueryInstance_joins_up_to_100_ids()
    {
        Assert.Equal("""{"activity":"queryInstance","instanceId":"a,b,c"}""", SellerRequest.QueryInstance(["a", "b", "c"]).Body);
        var hundred = Enumerable.Range(1, 100).Select(i => $"id{i}").ToList();
        Assert.Equal(100, SellerRequest.QueryInstance(hundred).StringField("instanceId")!.Split(',').Length);

        Assert.Throws<ArgumentException>(() => SellerRequest.QueryInstance(Enumerable.Range(1, 101).Select(i => $"id{i}")));
        Assert.Throws<ArgumentException>(() => SellerRequest.QueryInstance([]));
        Assert.Throws<ArgumentException>(() => SellerRequest.QueryInstance(["a", ""]));
        Assert.Throws<ArgumentException>(() => SellerRequest.QueryInstance([new string('x', 65)]));
    }

    [Theory]
    [InlineData(RefreshScene.TrialToFormal, "TRIAL_TO_FORMAL")]
    [InlineData(RefreshScene.Renewal, "RENEWAL")]
    [InlineData(RefreshScene.UnsubscribeRenewalPeriod, "UNSUBSCRIBE_RENEWAL_PERIOD")]
    [InlineData(RefreshScene.RenewalChange, "RENEWAL_CHANGE")]
    public void RefreshInstance_sends_the_scene_and_a_utc_expire_time(RefreshScene scene, string wire)
    {
        var expire = new DateTimeOffset(2025, 3, 1, 8, 30, 5, TimeSpan.FromHours(8)); // 00:30:05 UTC

        var request = SellerRequest.RefreshInstance(scene, "O2", "O2-000001", "inst-1", expire, productId: "p-2");

        Assert.Equal(
            $$"""{"activity":"refreshInstance","expireTime":"20250301003005","instanceId":"inst-1","orderId":"O2","orderLineId":"O2-000001","productId":"p-2","scene":"{{wire}}"}""",
            request.Body);
    }

    [Fact]
    public void Other_activities_have_their_documented_fields()
    {
        Assert.Equal("""{"activity":"updateInstanceStatus","instanceId":"i1","status":"UNFREEZE"}""",
            SellerRequest.UpdateInstanceStatus("i1", InstanceStatusChange.Unfreeze).Body);
        Assert.Equal("""{"activity":"releaseInstance","instanceId":"i1"}""", SellerRequest.ReleaseInstance("i1").Body);
        Assert.Equal("""{"activity":"releaseInstance","instanceId":"i1","orderId":"U1","orderLineId":"U1-000001"}""",
            SellerRequest.ReleaseInstance("i1", "U1", "U1-000001").Body);
        Assert.Equal("""{"activity":"upgradeInstance","instanceId":"i1","orderId":"G1","orderLineId":"G1-000001"}""",
            SellerRequest.UpgradeInstance("i1", "G1", "G1-000001").Body);
        Assert.Equal("""{"activity":"changeInstanceCheck","instanceId":"i1","productInfo":{"productId":"p2","a":"b"},"testFlag":"1"}"""
                .Replace("{\"productId\":\"p2\",\"a\":\"b\"}", "{\"a\":\"b\",\"productId\":\"p2\"}"),
            SellerRequest.ChangeInstanceCheck("i1", new JsonObject { ["productId"] = "p2", ["a"] = "b" }, test: true).Body);
    }

    [Fact]
    public void Builders_refuse_missing_or_too_long_fields()
    {
        Assert.Throws<ArgumentException>(() => SellerRequest.NewInstance("", "L1", "b"));
        Assert.Throws<ArgumentException>(() => SellerRequest.NewInstance(new string('o', 65), "L1", "b"));
        Assert.Throws<ArgumentException>(() => SellerRequest.UpgradeInstance("i1", "G1", ""));
        Assert.Throws<ArgumentException>(() => SellerRequest.ReleaseInstance(""));
        Assert.Throws<InvalidOperationException>(() => SellerRequest.ReleaseInstance("i1").WithBusinessId("b"));
    }

    [Fact]
    public void Validate_reports_validation_failed_with_a_detail()
    {
        var error = SellerRequest.Validate("newInstance", """{"activity":"newInstance","orderId":"O1","orderLineId":"L1"}""");
        Assert.NotNull(error);
        Assert.Equal("validation.failed", error.Code);
        Assert.Contains("businessId", error.Detail);

        Assert.Null(SellerRequest.Validate("newInstance", """{"activity":"newInstance","orderId":"O1","orderLineId":"L1"}""", requireBusinessId: false));
        Assert.NotNull(SellerRequest.Validate("newInstance", """{"activity":"newInstance","orderId":1,"orderLineId":"L1","businessId":"b"}"""));
        Assert.NotNull(SellerRequest.Validate("updateInstanceStatus", """{"activity":"updateInstanceStatus","instanceId":"i","status":"FROZEN"}"""));
        Assert.NotNull(SellerRequest.Validate("refreshInstance",
            """{"activity":"refreshInstance","scene":"RENEWAL","orderId":"O","orderLineId":"L","instanceId":"i","expireTime":"20221124023618256"}"""));
        Assert.NotNull(SellerRequest.Validate("frobnicate", """{"activity":"frobnicate"}"""));
        Assert.NotNull(SellerRequest.Validate("queryInstance", """{"activity":"releaseInstance","instanceId":"i"}"""));
        Assert.NotNull(SellerRequest.Validate("releaseInstance", """{"activity":"releaseInstance","instanceId":"i","testFlag":"yes"}"""));
        Assert.NotNull(SellerRequest.Validate("tenantSync", """{"activity":"tenantSync"}"""));
        Assert.NotNull(SellerRequest.Validate("newInstance", "not json"));
    }

    [Fact]
    public void FromBody_recanonicalizes_a_stored_body()
    {
        var request = SellerRequest.FromBody("releaseInstance", """{ "instanceId": "i1", "activity": "releaseInstance" }""");
        Assert.Equal("""{"activity":"releaseInstance","instanceId":"i1"}""", request.Body);
        Assert.Throws<ArgumentException>(() => SellerRequest.FromBody("releaseInstance", "{"));
    }
}

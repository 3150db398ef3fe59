using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Tests.Licenses;

/// <summary>§10 (P35–P37): the bodies of the three license-code calls, their validation and their call ids.</summary>
public sealed class LicenseProtocolTests
{
    private static readonly DateTimeOffset Expire = new(2027, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact(DisplayName = "refreshLicenseCode: canonical body, string fields, expireTime UTC yyyyMMddHHmmss")]
    public void Refresh_body()
    {
        var r = SellerRequest.RefreshLicenseCode(RefreshScene.Renewal, "CSR1", "CSR1-000001", "PLCODE", Expire.ToOffset(TimeSpan.FromHours(8)));
        Assert.Equal("{\"activity\":\"refreshLicenseCode\",\"expireTime\":\"20270302080000\",\"license\":\"PLCODE\",\"orderId\":\"CSR1\",\"orderLineId\":\"CSR1-000001\",\"scene\":\"RENEWAL\"}", r.Body);
        Assert.Throws<ArgumentException>(() => SellerRequest.RefreshLicenseCode(RefreshScene.TrialToFormal, "CSR1", "CSR1-000001", "PLCODE", Expire));
    }

    [Fact(DisplayName = "updateLicenseCodeStatus and releaseLicenseCode bodies; the license is mandatory")]
    public void Status_and_release_bodies()
    {
        Assert.Equal("{\"activity\":\"updateLicenseCodeStatus\",\"license\":\"PLCODE\",\"status\":\"FREEZE\"}",
            SellerRequest.UpdateLicenseCodeStatus("PLCODE", InstanceStatusChange.Freeze).Body);
        Assert.Equal("{\"activity\":\"releaseLicenseCode\",\"license\":\"PLCODE\"}", SellerRequest.ReleaseLicenseCode("PLCODE").Body);
        Assert.Equal("{\"activity\":\"releaseLicenseCode\",\"license\":\"PLCODE\",\"orderId\":\"CSX\",\"orderLineId\":\"CSX-000001\"}",
            SellerRequest.ReleaseLicenseCode("PLCODE", "CSX", "CSX-000001").Body);
        Assert.NotNull(SellerRequest.Validate(SellerActivities.ReleaseLicenseCode, "{\"activity\":\"releaseLicenseCode\"}"));
        Assert.NotNull(SellerRequest.Validate(SellerActivities.UpdateLicenseCodeStatus, "{\"activity\":\"updateLicenseCodeStatus\",\"license\":\"PL\",\"status\":\"FROZEN\"}"));
        Assert.True(SellerActivities.IsBase(SellerActivities.RefreshLicenseCode));
        Assert.True(SellerActivities.IsLicense(SellerActivities.ReleaseLicenseCode));
        Assert.False(SellerActivities.MayAnswerInProgress(SellerActivities.RefreshLicenseCode));
    }

    [Fact(DisplayName = "§7.10: call ids key on the code, the scene or status and the discriminator; the call is about the code")]
    public void Call_ids()
    {
        var freeze = SellerRequest.UpdateLicenseCodeStatus("PLCODE", InstanceStatusChange.Freeze);
        Assert.Equal(SellerCallKeys.For(freeze, "n1"), SellerCallKeys.For(SellerRequest.UpdateLicenseCodeStatus("PLCODE", InstanceStatusChange.Freeze), "n1"));
        Assert.NotEqual(SellerCallKeys.For(freeze, "n1"), SellerCallKeys.For(SellerRequest.UpdateLicenseCodeStatus("PLOTHER", InstanceStatusChange.Freeze), "n1"));
        Assert.NotEqual(SellerCallKeys.For(freeze, "n1"), SellerCallKeys.For(SellerRequest.UpdateLicenseCodeStatus("PLCODE", InstanceStatusChange.Unfreeze), "n1"));
        Assert.NotEqual(SellerCallKeys.For(freeze, "n1"), SellerCallKeys.For(freeze, "n2"));

        var created = SellerCallMachine.Decide(null, new CreateSellerCall("SL1", "PD1", freeze, "n1", "CS1"), Expire, new SellerCallOptions());
        var call = SellerCallMachine.Apply(null, (SellerCallCreated)created.Events.Single());
        Assert.Equal("PLCODE", call.InstanceId);
        Assert.Equal("CS1", call.OrderRef);
    }

    [Fact(DisplayName = "P40: a license call succeeds on 000000 only; 000003 (license code not found) and 000004 are failures, retried")]
    public void Results()
    {
        var ok = new SellerResponse(200, "{\"resultCode\":\"000000\",\"resultMsg\":\"success\"}", null, false, null);
        Assert.True(SellerResponseClassifier.Classify(SellerActivities.ReleaseLicenseCode, ok).IsSuccess);
        foreach (var code in new[] { "000003", "000004" })
        {
            var failed = SellerResponseClassifier.Classify(SellerActivities.UpdateLicenseCodeStatus,
                new SellerResponse(200, $"{{\"resultCode\":\"{code}\"}}", null, false, null));
            Assert.Equal(SellerOutcomeKind.Failed, failed.Kind);
        }
    }
}

using Marketplace.Core.Metering;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Tests.SellerCalls;

/// <summary>The signature test vectors of domain.md §7.9.</summary>
public class SignatureVectorTests
{
    private const string Key = "test-access-key-0001";
    private const string Nonce = "50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA";
    private const long Timestamp = 1680508066618;

    private const string Vector1Body =
        """{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}""";

    private const string Vector2Body =
        """{"domainName":"https://example.tenantaccount.com","flag":1,"instanceId":"huaiweitest123456","name":"huaiweitest","orderId":"CS1906666666ABCDE","tenantCode":"huawei","tenantId":"68cbc86aaaa","testFlag":0,"timeStamp":"20220413093539534"}""";

    [Fact]
    public void Vector1_builder_produces_the_canonical_body_byte_for_byte()
    {
        var request = SellerRequest.NewInstance("CS2211181819B4LVS", "CS2211181819B4LVS-000001",
            "87b94795-0603-4e24-8ae5-69420d60e3c8", test: true);

        Assert.Equal(Vector1Body, request.Body);
        Assert.Equal(Vector1Body, CanonicalJson.Canonicalize(
            """{ "testFlag": "1", "orderLineId": "CS2211181819B4LVS-000001", "orderId": "CS2211181819B4LVS", "businessId": "87b94795-0603-4e24-8ae5-69420d60e3c8", "activity": "newInstance" }"""));
    }

    [Fact]
    public void Vector1_body_hash_is_keyed_and_lower_case()
    {
        Assert.Equal("7c3423c08d12337dd359ce871f975ad942cfea7f9216e66e32389c76d6c0ebd3", V2Signature.BodyHash(Key, Vector1Body));
    }

    [Fact]
    public void Vector1_signature_is_upper_case_hex()
    {
        Assert.Equal("C506F4221EC15F98C40B8A5D5065D8B815A2C5596CF4421382088B5652565458",
            V2Signature.Sign(Key, Nonce, Timestamp, Vector1Body));
    }

    [Fact]
    public void Vector1_verifies_in_either_case_and_rejects_changes()
    {
        const string sig = "C506F4221EC15F98C40B8A5D5065D8B815A2C5596CF4421382088B5652565458";
        Assert.True(V2Signature.Verify(Key, Nonce, Timestamp, Vector1Body, sig));
        Assert.True(V2Signature.Verify(Key, Nonce, Timestamp, Vector1Body, sig.ToLowerInvariant()));
        Assert.False(V2Signature.Verify(Key, Nonce, Timestamp + 1, Vector1Body, sig));
        Assert.False(V2Signature.Verify(Key, Nonce[1..], Timestamp, Vector1Body, sig));
        Assert.False(V2Signature.Verify("other-key", Nonce, Timestamp, Vector1Body, sig));
        Assert.False(V2Signature.Verify(Key, Nonce, Timestamp, Vector1Body.Replace("000001", "000002"), sig));
        Assert.False(V2Signature.Verify(Key, Nonce, Timestamp, Vector1Body, sig[..^2]));
        Assert.False(V2Signature.Verify(Key, Nonce, Timestamp, Vector1Body, "zz" + sig[2..]));
        Assert.False(V2Signature.Verify(Key, Nonce, Timestamp, Vector1Body, null));
    }

    [Fact]
    public void Vector2_kit_body_and_x_sign()
    {
        var request = SellerRequest.Kit(SellerActivities.TenantSync, new Dictionary<string, object?>
        {
            ["tenantId"] = "68cbc86aaaa",
            ["instanceId"] = "huaiweitest123456",
            ["orderId"] = "CS1906666666ABCDE",
            ["tenantCode"] = "huawei",
            ["name"] = "huaiweitest",
            ["domainName"] = "https://example.tenantaccount.com",
            ["flag"] = 1,
            ["testFlag"] = 0,
            ["timeStamp"] = "20220413093539534",
        });

        Assert.Equal(Vector2Body, request.Body);
        var xsign = KitSignature.Sign(Key, Nonce, Timestamp, request.Body);
        Assert.Equal("e4f008d272bb7a9ceeb816e0cbe799ebc6d7d5ee216db3d6afe48be33394fcc8", xsign);
        Assert.True(KitSignature.Verify(Key, Nonce, Timestamp, request.Body, xsign.ToUpperInvariant()));
        Assert.False(KitSignature.Verify(Key, Nonce, Timestamp, request.Body.Replace("\"flag\":1", "\"flag\":2"), xsign));
    }

    [Fact]
    public void Vector3_usage_push_signature()
    {
        const string body =
            """{"usage_records":[{"begin_time":"20220809T080000Z","end_time":"20220809T090000Z","instance_id":"7f141bf1-aec8-4859-8323-fb3a8ad50721","metering_sn":"a1b2c3","record_time":"20220809T091000Z","usage_value":"99"}]}""";
        const string nonce = "6c63c221-1f6b-4141-8ff4-22f5dfe82b65";

        Assert.Equal("ts=1680508066618&nonce=6c63c221-1f6b-4141-8ff4-22f5dfe82b65&body=" + body,
            UsagePushSignature.StringToSign(Timestamp, nonce, body));
        Assert.Equal("gaaqYBUbNDcHyj4cxMjihEyn2i2UXxp92Q2k9PjNdqU=", UsagePushSignature.Sign(Key, Timestamp, nonce, body));
        Assert.True(UsagePushSignature.Verify(Key, Timestamp, nonce, body, "gaaqYBUbNDcHyj4cxMjihEyn2i2UXxp92Q2k9PjNdqU="));
        Assert.False(UsagePushSignature.Verify(Key, Timestamp, nonce, body + " ", "gaaqYBUbNDcHyj4cxMjihEyn2i2UXxp92Q2k9PjNdqU="));
        Assert.False(UsagePushSignature.Verify(Key, Timestamp, nonce, body, "not base64!"));
    }

    [Fact]
    public void Vector4_v1_auth_token()
    {
        var parameters = new Dictionary<string, string>
        {
            ["testFlag"] = "1",
            ["timeStamp"] = "20170621185532100",
            ["orderId"] = "CS1",
            ["activity"] = "newInstance",
            ["authToken"] = "ignored",
        };

        Assert.Equal("activity=newInstance&orderId=CS1&testFlag=1&timeStamp=20170621185532100", V1AuthToken.StringToSign(parameters));
        Assert.Equal("V4U/GUkfEfzV/2rla8TE7hk46Z1eZgWM3N3E4G/Rtcs=", V1AuthToken.Compute(Key, "20170621185532100", parameters));
        Assert.True(V1AuthToken.Verify(Key, "20170621185532100", parameters, "V4U/GUkfEfzV/2rla8TE7hk46Z1eZgWM3N3E4G/Rtcs="));
    }

    [Fact]
    public void Vector4_response_body_sign()
    {
        const string body = """{"resultCode":"000000","resultMsg":"success."}""";
        const string expected = "MTRk2q83clWO4HHLQUfXiUtDjSMcNYXSL1bfbmtOrjc=";

        Assert.Equal(expected, BodySign.Compute(Key, body));
        var header = BodySign.HeaderFor(Key, body);
        Assert.Equal($"sign_type=\"HMAC-SHA256\", signature= \"{expected}\"", header);
        Assert.True(BodySign.TryParse(header, out var type, out var sig));
        Assert.Equal("HMAC-SHA256", type);
        Assert.Equal(expected, sig);
        Assert.Equal(BodySignCheck.Valid, BodySign.Verify(Key, body, header));
        Assert.Equal(BodySignCheck.Valid, BodySign.Verify(Key, body, $"sign_type=\"HMAC-SHA256\",signature=\"{expected}\""));
        Assert.Equal(BodySignCheck.Mismatch, BodySign.Verify(Key, body + "\n", header));
        Assert.Equal(BodySignCheck.Mismatch, BodySign.Verify("other", body, header));
        Assert.Equal(BodySignCheck.Absent, BodySign.Verify(Key, body, null));
        Assert.Equal(BodySignCheck.Malformed, BodySign.Verify(Key, body, "garbage"));
        Assert.Equal(BodySignCheck.Malformed, BodySign.Verify(Key, body, $"sign_type=\"MD5\", signature= \"{expected}\""));
    }

    [Fact]
    public void Signer_puts_the_signature_in_the_query_for_base_calls()
    {
        var request = SellerRequest.NewInstance("CS2211181819B4LVS", "CS2211181819B4LVS-000001",
            "87b94795-0603-4e24-8ae5-69420d60e3c8", test: true);

        var signed = SellerRequestSigner.Sign(request, new Uri("https://www.isvwebsite.com/saasproduce"), Key, Nonce, Timestamp);

        Assert.Equal(
            "https://www.isvwebsite.com/saasproduce?signature=C506F4221EC15F98C40B8A5D5065D8B815A2C5596CF4421382088B5652565458&timestamp=1680508066618&nonce=" + Nonce,
            signed.Url.AbsoluteUri);
        Assert.Equal(Vector1Body, signed.Body);
    }

    [Fact]
    public void Signer_puts_x_sign_headers_on_kit_calls_and_appends_the_kit_path()
    {
        var request = SellerRequest.Kit(SellerActivities.TenantSync, new Dictionary<string, object?> { ["tenantId"] = "t1", ["flag"] = 1 });

        var signed = SellerRequestSigner.Sign(request, new Uri("https://www.isvwebsite.com/saasproduce/"), Key, Nonce, Timestamp);

        Assert.Equal("https://www.isvwebsite.com/saasproduce/produceAPI/v2/tenantSync", signed.Url.AbsoluteUri);
        Assert.Contains(signed.Headers, h => h.Key == "x-sign" && h.Value == KitSignature.Sign(Key, Nonce, Timestamp, request.Body));
        Assert.Contains(signed.Headers, h => h.Key == "x-timestamp" && h.Value == "1680508066618");
        Assert.Contains(signed.Headers, h => h.Key == "x-nonce" && h.Value == Nonce);
    }

    [Fact]
    public void Signer_refuses_a_newInstance_template_without_business_id()
    {
        var template = SellerRequest.NewInstance("O1", "O1-000001", businessId: null);
        Assert.Throws<InvalidOperationException>(() =>
            SellerRequestSigner.Sign(template, new Uri("https://a.example.com/p"), Key, Nonce, Timestamp));
    }

    [Fact]
    public void Random_nonce_source_gives_64_hex_nonces_and_uuid_business_ids()
    {
        var source = RandomNonceSource.Instance;
        var nonce = source.NewNonce();
        Assert.Equal(64, nonce.Length);
        Assert.True(nonce.All(Uri.IsHexDigit));
        Assert.NotEqual(nonce, source.NewNonce());
        Assert.True(Guid.TryParse(source.NewBusinessId(), out _));
    }
}

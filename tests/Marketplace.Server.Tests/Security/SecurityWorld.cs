using System.Globalization;
using System.IdentityModel.Tokens.Jwt;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Identity;
using Marketplace.FakeSeller;
using Marketplace.Server.Tests.Assets;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Server.Tests.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Server.Tests.Security;

/// <summary>
/// A marketplace with two of every party: seller A (with a fake production server) and seller B, buyer A and buyer B,
/// plus ops and a reviewer. Everything is A's: products, orders, cases in several states, a report, evidence, an
/// appeal, a hardware unsubscription, an asset, a metered instance with a sealed bill, a Kit binding, a conformance run,
/// keys. B is "the other party": B's calls on A's resources must look like calls on resources that do not exist.
/// </summary>
public class SecurityWorld : IAsyncLifetime
{
    public const string BuyerAId = "buyer-a";
    public const string BuyerBId = "buyer-b";
    private static readonly object Shipping = new { recipient = "Li Lei", phone = "+86 138 0013 8000", address = "1 Zhongguancun Street, Beijing" };

    private readonly Dictionary<string, string?> _extraSettings;

    public SecurityWorld()
        : this(new Dictionary<string, string?>())
    {
    }

    protected SecurityWorld(Dictionary<string, string?> extraSettings) => _extraSettings = extraSettings;

    /// <summary>Quiet timers (no cron, long retry waits, long stall windows), appeals at any time, a short bill-run wait.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Billing:HourlySchedule"] = "off",
        ["Billing:DailySchedule"] = "off",
        ["Billing:RetentionSchedule"] = "off",
        ["Billing:IngestWindow"] = "00:00:01",
        ["DialTests:Enabled"] = "false",
        ["Supervision:AppealPolicy"] = "AnyTime",
        ["SellerCalls:Backoff"] = "01:00:00",
        ["SellerCalls:Timeout"] = "00:00:02",
    };

    public MarketplaceApp App { get; private set; } = null!;
    public FakeSellerServer Fake { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Ops { get; private set; } = null!;
    public HttpClient Reviewer { get; private set; } = null!;
    public HttpClient SellerA { get; private set; } = null!;
    public HttpClient SellerB { get; private set; } = null!;
    public HttpClient BuyerA { get; private set; } = null!;
    public HttpClient BuyerB { get; private set; } = null!;

    public string SellerAId { get; private set; } = "";
    public string SellerBId { get; private set; } = "";
    public string AccessKeyA { get; private set; } = "";
    public string AccessKeyB { get; private set; } = "";
    public string KeyIdA { get; private set; } = "";

    public string SaasProductId { get; private set; } = "";
    public string SaasProduct2Id { get; private set; } = "";
    public string CaseProductId { get; private set; } = "";
    public string HardwareProductId { get; private set; } = "";
    public string MeteredProductId { get; private set; } = "";

    /// <summary>An active SaaS order of buyer A with its instance, its newInstance call and a Kit binding.</summary>
    public string SaasOrderId { get; private set; } = "";
    public string SaasInstanceId { get; private set; } = "";
    public string CallId { get; private set; } = "";
    public string BindingId { get; private set; } = "";
    public string KitCallId { get; private set; } = "";
    public const string OrgCode = "rd";
    public string KitPublicKeyPem { get; private set; } = "";

    /// <summary>Active SaaS orders of buyer A without a binding: one to bind, one to unsubscribe.</summary>
    public string FreeSaasOrderId { get; private set; } = "";
    public string SpareSaasOrderId { get; private set; } = "";

    /// <summary>Cases of A's manual service: at the requirement, at its confirmation, implementing (with a report and evidence), at acceptance, at review (enablementCloud), and one under appeal.</summary>
    public string RequirementCaseId { get; private set; } = "";
    public string ConfirmationCaseId { get; private set; } = "";
    public string ImplementingCaseId { get; private set; } = "";
    public string AcceptanceCaseId { get; private set; } = "";
    public string ReviewCaseId { get; private set; } = "";
    public string AppealedCaseId { get; private set; } = "";
    public string AppealId { get; private set; } = "";
    public string ReportId { get; private set; } = "";
    public string EvidenceId { get; private set; } = "";

    public string HardwareOrderId { get; private set; } = "";
    public string HardwareOrder2Id { get; private set; } = "";
    public string UnsubscriptionId { get; private set; } = "";
    public string AssetId { get; private set; } = "";
    public string SpareAssetId { get; private set; } = "";
    public string SpareAsset2Id { get; private set; } = "";
    public string MeteredOrderId { get; private set; } = "";
    public string MeteredInstanceId { get; private set; } = "";
    public string BillId { get; private set; } = "";
    public string RunId { get; private set; } = "";
    public string LicenseId { get; private set; } = "";
    public string LicenseCode { get; private set; } = "";

    public string Prefix => App.Prefix;

    public DateTimeOffset Now => DateTimeOffset.UtcNow;

    public async Task InitializeAsync()
    {
        var settings = Settings();
        foreach (var (k, v) in _extraSettings) settings[k] = v;
        App = new MarketplaceApp(settings);
        Anonymous = App.CreateClient();
        Ops = await App.ClientAsAsync("ops-1", "ops");
        Reviewer = await App.ClientAsAsync("reviewer-1", "reviewer");
        BuyerA = await App.ClientAsAsync(BuyerAId, "buyer");
        BuyerB = await App.ClientAsAsync(BuyerBId, "buyer");

        Fake = await FakeSellerServer.StartAsync("not-yet-registered");
        var a = await Created(Ops.PostAsJsonAsync("/api/sellers", new { name = "Seller A", productionUrl = Fake.ProductionUrl.AbsoluteUri }));
        (SellerAId, AccessKeyA) = (Str(a, "sellerId"), Str(a, "accessKey"));
        Fake.SetAccessKeys(AccessKeyA);
        Fake.SetKitKeys(Str(a, "kitKey"));
        var b = await Created(Ops.PostAsJsonAsync("/api/sellers", new { name = "Seller B", productionUrl = "http://127.0.0.1:9/saasproduce" }));
        (SellerBId, AccessKeyB) = (Str(b, "sellerId"), Str(b, "accessKey"));
        SellerA = await App.ClientAsAsync(SellerAId, "seller");
        SellerB = await App.ClientAsAsync(SellerBId, "seller");
        KeyIdA = Str((await Ok(SellerA.GetAsync($"/api/sellers/{SellerAId}/keys")))["keys"]![0]!.AsObject(), "keyId");

        SaasProductId = await ProductAsync("saas", "period");
        SaasProduct2Id = await ProductAsync("saas", "period");
        CaseProductId = await ProductAsync("manualService", "oneTime");
        HardwareProductId = await ProductAsync("hardware", "oneTime");
        MeteredProductId = await ProductAsync("saas", "onDemand", "hourly");

        // SaaS: two active orders (the fake seller answers newInstance at once); a Kit binding on the first.
        KitPublicKeyPem = Fake.CreateKitKeyPair();
        await Ok(SellerA.PutAsJsonAsync($"/api/sellers/{SellerAId}/kit-public-key", new { publicKeyPem = KitPublicKeyPem }));
        SaasOrderId = Str(await Created(BuyerA.PostAsJsonAsync("/api/orders", new { productId = SaasProductId, periodMonths = 12 })), "orderId");
        FreeSaasOrderId = Str(await Created(BuyerA.PostAsJsonAsync("/api/orders", new { productId = SaasProductId, periodMonths = 12 })), "orderId");
        SpareSaasOrderId = Str(await Created(BuyerA.PostAsJsonAsync("/api/orders", new { productId = SaasProductId, periodMonths = 12 })), "orderId");
        var active = await Market.EventuallyAsync(() => Ok(BuyerA.GetAsync($"/api/orders/{SaasOrderId}")), o => o["status"]?.GetValue<string>() == "active",
            TimeSpan.FromSeconds(30), "the SaaS order to be active");
        SaasInstanceId = Str(active, "instanceId");
        foreach (var orderId in new[] { FreeSaasOrderId, SpareSaasOrderId })
            await Market.EventuallyAsync(() => Ok(BuyerA.GetAsync($"/api/orders/{orderId}")), o => o["status"]?.GetValue<string>() == "active",
                TimeSpan.FromSeconds(30), $"SaaS order {orderId} to be active");
        var calls = (await Ok(SellerA.GetAsync($"/api/seller/calls?orderId={SaasOrderId}")))["items"]!.AsArray();
        CallId = Str(calls.First(c => c!["activity"]!.GetValue<string>() == "newInstance")!.AsObject(), "callId");
        var bound = await Created(BuyerA.PostAsJsonAsync($"/api/orders/{SaasOrderId}/enterprise", new
        {
            tenantId = "tenant-a", tenantCode = "acme", name = "Acme Ltd", domainName = "https://acme.tenantaccount.com",
            departments = new object[] { new { orgCode = "root", orgName = "Acme", parentCode = "" }, new { orgCode = OrgCode, orgName = "R&D", parentCode = "root" } },
        }));
        BindingId = Str(bound["binding"]!.AsObject(), "bindingId");
        var binding = await Market.EventuallyAsync(() => Ok(BuyerA.GetAsync($"/api/enterprise/{BindingId}")),
            v => v["calls"]!.AsArray().Count >= 3 && v["calls"]!.AsArray().All(c => c!["status"]!.GetValue<string>() == "succeeded"),
            TimeSpan.FromSeconds(30), "the binding's Kit calls");
        KitCallId = Str(binding["calls"]![0]!.AsObject(), "callId");
        RunId = Str(await Json(SellerA.PostAsync($"/api/products/{SaasProductId}/conformance-runs", null), 202), "runId");

        // Supervision cases in the states their routes need.
        RequirementCaseId = await CaseAsync();
        ConfirmationCaseId = await CaseAsync();
        await RequirementAsync(ConfirmationCaseId);
        ImplementingCaseId = await ImplementingAsync();
        ReportId = await ReportAsync(ImplementingCaseId);
        EvidenceId = Str(await Created(BuyerA.PutAsync($"/api/cases/{ImplementingCaseId}/evidence/photo.png", Bytes("\x89PNG evidence", "image/png"))), "evidenceId");
        AcceptanceCaseId = await ImplementingAsync();
        await Ok(SellerA.PostAsJsonAsync($"/api/cases/{AcceptanceCaseId}/delivery", new { reportIds = new[] { await ReportAsync(AcceptanceCaseId) } }));
        ReviewCaseId = await ImplementingAsync("enablementCloud");
        await Ok(SellerA.PostAsJsonAsync($"/api/cases/{ReviewCaseId}/delivery", new { reportIds = new[] { await ReportAsync(ReviewCaseId) } }));
        AppealedCaseId = await CaseAsync();
        AppealId = Str(await Created(BuyerA.PostAsJsonAsync($"/api/cases/{AppealedCaseId}/appeals", new { reason = "The seller does not answer." })), "appealId");

        // Hardware: an order with an open unsubscription, and one without.
        HardwareOrderId = Str(await Created(BuyerA.PostAsJsonAsync("/api/orders", new { productId = HardwareProductId, periodMonths = 1, shipping = Shipping })), "orderId");
        HardwareOrder2Id = Str(await Created(BuyerA.PostAsJsonAsync("/api/orders", new { productId = HardwareProductId, periodMonths = 1, shipping = Shipping })), "orderId");
        UnsubscriptionId = Str(await Created(BuyerA.PostAsJsonAsync($"/api/orders/{HardwareOrderId}/unsubscriptions", new { kind = "notReceived", reason = "Ordered the wrong model." })), "unsubscriptionId");

        // An asset, scanned.
        AssetId = Str(await Created(SellerA.PutAsync("/api/assets/app-1.0.zip?type=softwarePackage&name=App", Bytes(AssetSamples.Zip(("readme.txt", AssetSamples.Text("hello"))), "application/zip"))), "assetId");
        SpareAssetId = Str(await Created(SellerA.PutAsync("/api/assets/spare-1.0.zip?type=softwarePackage&name=Spare", Bytes(AssetSamples.Zip(("readme.txt", AssetSamples.Text("spare"))), "application/zip"))), "assetId");
        SpareAsset2Id = Str(await Created(SellerA.PutAsync("/api/assets/spare-2.0.zip?type=softwarePackage&name=Spare2", Bytes(AssetSamples.Zip(("readme.txt", AssetSamples.Text("spare 2"))), "application/zip"))), "assetId");
        foreach (var assetId in new[] { AssetId, SpareAssetId, SpareAsset2Id })
            await Market.EventuallyAsync(() => Ok(SellerA.GetAsync($"/api/assets/{assetId}")), v => v["status"]?.GetValue<string>() == "Approved",
                TimeSpan.FromSeconds(30), $"the scan of asset {assetId}");

        // A License 2.0 code (issued; the buyer has not received it).
        var licensed = await Created(BuyerA.PostAsJsonAsync("/api/orders", new { productId = await ProductAsync("licenseCode", "period"), periodMonths = 12 }));
        LicenseId = Str(licensed, "licenseId");
        LicenseCode = Str(await Market.EventuallyAsync(() => Ok(BuyerA.GetAsync($"/api/licenses/{LicenseId}")), l => l["code"] is not null,
            TimeSpan.FromSeconds(30), "the license code"), "code");

        // A metered instance with a sealed hourly bill.
        MeteredOrderId = Str(await Created(BuyerA.PostAsJsonAsync("/api/orders", new { productId = MeteredProductId })), "orderId");
        MeteredInstanceId = Str(await Created(Ops.PostAsJsonAsync("/api/dev/metered-instances", new { orderId = MeteredOrderId })), "instanceId");
        var hour = UsageMarket.HourStart(Now, 3);
        var pushed = await Json(Anonymous.SendAsync(Push(UsageMarket.Body([UsageMarket.Record(MeteredInstanceId, hour, TimeSpan.FromMinutes(10), 1.5m)]), AccessKeyA)), 200);
        Assert.Equal(1, pushed["accepted_count"]!.GetValue<int>());
        var run = await Ok(Ops.PostAsJsonAsync("/api/ops/bill-runs", new { granularity = "hour" }));
        BillId = Str(run["bills"]!.AsArray().First(x => x!["instanceId"]!.GetValue<string>() == MeteredInstanceId)!.AsObject(), "billId");
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Fake.DisposeAsync();
    }

    /// <summary>The client a role uses on its own resources (A), or on the other party's (B, for buyer and seller).</summary>
    public HttpClient ClientOf(Party party) => party switch
    {
        Party.Anonymous => Anonymous,
        Party.BuyerA => BuyerA,
        Party.BuyerB => BuyerB,
        Party.SellerA => SellerA,
        Party.SellerB => SellerB,
        Party.Ops => Ops,
        Party.Reviewer => Reviewer,
        _ => throw new ArgumentOutOfRangeException(nameof(party)),
    };

    /// <summary>A usage push or signed GET as a seller's server sends it: headers ts, nonce and signature over "ts=..&amp;nonce=..&amp;body=...".</summary>
    public HttpRequestMessage Push(string body, string key, long? ts = null, string? nonce = null) =>
        Signed(HttpMethod.Post, UsageMarket.PushPath, key, body, ts, nonce);

    public static HttpRequestMessage Signed(HttpMethod method, string url, string key, string body, long? ts = null, string? nonce = null, string contentType = "application/json")
    {
        var t = (ts ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture);
        var n = nonce ?? Guid.NewGuid().ToString("N");
        var request = new HttpRequestMessage(method, url);
        if (method != HttpMethod.Get) request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } };
        request.Headers.Add("ts", t);
        request.Headers.Add("nonce", n);
        request.Headers.Add("signature", UsageMarket.Sign(key, long.Parse(t, CultureInfo.InvariantCulture), n, body));
        return request;
    }

    /// <summary>Tokens the server must refuse (401): another key, expired, another issuer, unsigned, not a JWT.</summary>
    public IReadOnlyList<(string What, string Token)> ForgedTokens()
    {
        var auth = App.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.DevSigningKey!));
        var now = DateTime.UtcNow;
        string Mint(SecurityKey signWith, string issuer, DateTime notBefore, DateTime expires) =>
            new JwtSecurityTokenHandler().WriteToken(new JwtSecurityToken(issuer, issuer,
                [new Claim("sub", "ops-1"), new Claim(Caller.RolesClaim, "ops")], notBefore, expires,
                new SigningCredentials(signWith, SecurityAlgorithms.HmacSha256)));
        static string B64(string json) => Base64UrlEncoder.Encode(json);
        return
        [
            ("signed with another key", Mint(new SymmetricSecurityKey(Encoding.UTF8.GetBytes("an-attacker-chosen-key-0123456789-abcdef")), auth.DevIssuer, now.AddMinutes(-1), now.AddHours(1))),
            ("expired", Mint(key, auth.DevIssuer, now.AddHours(-3), now.AddHours(-2))),
            ("another issuer", Mint(key, "https://issuer.example.invalid", now.AddMinutes(-1), now.AddHours(1))),
            ("unsigned (alg none)", B64("""{"alg":"none","typ":"JWT"}""") + "." + B64($$"""{"sub":"ops-1","roles":"ops","iss":"{{auth.DevIssuer}}","aud":"{{auth.DevIssuer}}","exp":{{new DateTimeOffset(now.AddHours(1)).ToUnixTimeSeconds()}}}""") + "."),
            ("not a JWT", "not-a-token"),
        ];
    }

    /// <summary>A token with a subject and no role the API knows (authenticated, allowed nowhere).</summary>
    public string RolelessToken()
    {
        var auth = App.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var now = DateTime.UtcNow;
        return new JwtSecurityTokenHandler().WriteToken(new JwtSecurityToken(auth.DevIssuer, auth.DevIssuer,
            [new Claim("sub", "nobody-1"), new Claim(Caller.RolesClaim, "admin")], now.AddMinutes(-1), now.AddHours(1),
            new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.DevSigningKey!)), SecurityAlgorithms.HmacSha256)));
    }

    private async Task<string> ProductAsync(string deliveryType, string chargingMode, string? usageBilling = null) =>
        Str(await Created(SellerA.PostAsJsonAsync("/api/products", new { name = $"{deliveryType} {chargingMode}", deliveryType, chargingMode, usageBilling })), "productId");

    private async Task<string> CaseAsync(string scenario = "standard") =>
        Str(await Created(BuyerA.PostAsJsonAsync("/api/orders", new { productId = CaseProductId, scenario, periodMonths = 1 })), "caseId");

    private Task RequirementAsync(string caseId) =>
        Ok(BuyerA.PostAsJsonAsync($"/api/cases/{caseId}/requirement", new { text = "Migrate 3 databases to the cloud by Friday." }));

    private async Task<string> ImplementingAsync(string scenario = "standard")
    {
        var caseId = await CaseAsync(scenario);
        await RequirementAsync(caseId);
        await Ok(SellerA.PostAsJsonAsync($"/api/cases/{caseId}/requirement/decision", new { decision = "confirm" }));
        return caseId;
    }

    private async Task<string> ReportAsync(string caseId) =>
        Str(await Created(SellerA.PutAsync($"/api/cases/{caseId}/reports/report-{Guid.NewGuid():N}.pdf", Bytes("%PDF-1.7 acceptance report", "application/pdf"))), "reportId");

    public static ByteArrayContent Bytes(string text, string contentType) => Bytes(Encoding.Latin1.GetBytes(text), contentType);

    public static ByteArrayContent Bytes(byte[] bytes, string contentType) =>
        new(bytes) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } };

    private static string Str(JsonObject o, string name) =>
        o[name]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"No {name} in {o.ToJsonString()}");

    private static async Task<JsonObject> Json(Task<HttpResponseMessage> call, int status) => await (await call).JsonAsync(status);

    private static Task<JsonObject> Ok(Task<HttpResponseMessage> call) => Json(call, 200);

    private static Task<JsonObject> Created(Task<HttpResponseMessage> call) => Json(call, 201);
}

/// <summary>Who sends a request in the matrix: A owns every resource; B is the other party of the same role.</summary>
public enum Party
{
    Anonymous,
    BuyerA,
    BuyerB,
    SellerA,
    SellerB,
    Ops,
    Reviewer,
}

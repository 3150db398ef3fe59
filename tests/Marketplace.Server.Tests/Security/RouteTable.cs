using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Assets;
using Marketplace.Server.Tests.Functions;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Server.Tests.Usage;
using static Marketplace.Server.Tests.Security.Role;

namespace Marketplace.Server.Tests.Security;

/// <summary>The roles of the people's routes (the JWT <c>roles</c> claim).</summary>
public enum Role
{
    Buyer,
    Seller,
    Ops,
    Reviewer,
}

/// <summary>How a route authenticates its caller.</summary>
public enum Access
{
    /// <summary>A bearer token with one of the allowed roles.</summary>
    People,

    /// <summary>Nobody needs to sign in (health, the OpenAPI document, the Development token route).</summary>
    Anyone,

    /// <summary>A seller's server: HMAC headers signature, ts and nonce with the seller's access key.</summary>
    SellerServer,
}

/// <summary>
/// One route of the API and the rule it must keep: who may call it, for which roles it is limited to the caller's own
/// resources (another party's answers 404, as if it did not exist), and a valid request on A's resources. The
/// authorization matrix and the hostile-input test both read this table; a server route without a row fails both.
/// </summary>
public sealed record RouteRule(string Method, string Pattern)
{
    public Access Access { get; init; } = Access.People;

    /// <summary>Roles the route serves; every other role gets 403.</summary>
    public Role[] Allowed { get; init; } = [];

    /// <summary>Allowed roles that see only their own resources: B of the same role gets 404 on A's.</summary>
    public Role[] Owned { get; init; } = [];

    /// <summary>Path values by parameter name, over <see cref="RouteTable.DefaultIds"/>.</summary>
    public Func<SecurityWorld, Dictionary<string, string>>? Ids { get; init; }

    /// <summary>For a destructive route open to several roles: the ids each owner's own call uses (each its own resource).</summary>
    public Func<SecurityWorld, Role, Dictionary<string, string>>? OwnIds { get; init; }

    public Func<SecurityWorld, string>? Query { get; init; }

    /// <summary>A JSON body (an anonymous object, written camelCase).</summary>
    public Func<SecurityWorld, object>? Body { get; init; }

    /// <summary>A raw body (file uploads): bytes and content type.</summary>
    public Func<SecurityWorld, (byte[] Bytes, string ContentType)>? Raw { get; init; }

    /// <summary>For a list: the id of A's item that B's list must not show.</summary>
    public Func<SecurityWorld, string>? Hides { get; init; }

    /// <summary>The JSON body may be left out (an empty body or <c>null</c> is a valid request).</summary>
    public bool OptionalBody { get; init; }

    /// <summary>Mapped only in Development.</summary>
    public bool DevOnly { get; init; }

    /// <summary>Changes what other rows rely on: its calls by A run after everyone else's.</summary>
    public bool Destructive { get; init; }

    /// <summary>In the hostile-input world the valid request succeeds (2xx), so the mutations were judged on a live path.</summary>
    public bool Live { get; init; }

    public HttpRoute Key => HttpRoute.Of(Method, Pattern);

    public override string ToString() => $"{Method} {Pattern}";

    public IReadOnlyList<string> Parameters =>
        System.Text.RegularExpressions.Regex.Matches(Pattern, "{([^}]+)}").Select(m => m.Groups[1].Value).ToList();

    /// <summary>The path with A's ids, one of them optionally replaced by a raw (already URL-encoded) value.</summary>
    public string PathFor(SecurityWorld w, (string Name, string RawValue)? replace = null, Role? owner = null)
    {
        var ids = RouteTable.DefaultIds(w);
        if (Ids is not null) foreach (var (k, v) in Ids(w)) ids[k] = v;
        if (owner is { } role && OwnIds is not null) foreach (var (k, v) in OwnIds(w, role)) ids[k] = v;
        var path = Pattern;
        foreach (var name in Parameters)
        {
            var value = replace is { } r && r.Name == name ? r.RawValue
                : ids.TryGetValue(name, out var id) ? Uri.EscapeDataString(id)
                : throw new InvalidOperationException($"{this}: no value for {{{name}}}");
            path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        return Query is null ? path : path + "?" + Query(w);
    }

    public JsonNode? JsonBody(SecurityWorld w) => Body is null ? null : JsonSerializer.SerializeToNode(Body(w), HttpAssertions.Json);

    /// <summary>A seller-server request signed with <paramref name="key"/> (the body's exact text is what is signed).</summary>
    public HttpRequestMessage Signed(SecurityWorld w, string key, long? ts = null, string? nonce = null) =>
        SecurityWorld.Signed(new HttpMethod(Method), PathFor(w), key, JsonBody(w)?.ToJsonString() ?? "", ts, nonce);

    /// <summary>The valid request (a new message each time: a message is sent once).</summary>
    public HttpRequestMessage Request(SecurityWorld w, string? path = null, Role? owner = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), path ?? PathFor(w, owner: owner));
        if (JsonBody(w) is { } json) request.Content = new StringContent(json.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        else if (Raw is not null)
        {
            var (bytes, type) = Raw(w);
            request.Content = SecurityWorld.Bytes(bytes, type);
        }

        return request;
    }
}

/// <summary>The table: every route the server maps, with its rule. Keep it in the order of the README's route list.</summary>
public static class RouteTable
{
    private static readonly Role[] Everyone = [Buyer, Seller, Ops, Reviewer];

    public static Dictionary<string, string> DefaultIds(SecurityWorld w) => new()
    {
        ["caseId"] = w.ImplementingCaseId,
        ["orderId"] = w.SaasOrderId,
        ["productId"] = w.SaasProductId,
        ["unsubscriptionId"] = w.UnsubscriptionId,
        ["assetId"] = w.AssetId,
        ["reportId"] = w.ReportId,
        ["evidenceId"] = w.EvidenceId,
        ["appealId"] = w.AppealId,
        ["callId"] = w.CallId,
        ["instanceId"] = w.SaasInstanceId,
        ["sellerId"] = w.SellerAId,
        ["keyId"] = w.KeyIdA,
        ["runId"] = w.RunId,
        ["billId"] = w.BillId,
        ["granularity"] = "hour",
        ["bindingId"] = w.BindingId,
        ["orgCode"] = SecurityWorld.OrgCode,
        ["fileName"] = "report.pdf",
        ["licenseId"] = w.LicenseId,
    };

    private static RouteRule Get(string pattern) => new("GET", pattern);
    private static RouteRule Post(string pattern) => new("POST", pattern);
    private static RouteRule Put(string pattern) => new("PUT", pattern);
    private static RouteRule Delete(string pattern) => new("DELETE", pattern);

    private static (byte[], string) Pdf => ("%PDF-1.7 another report"u8.ToArray(), "application/pdf");
    private static (byte[], string) Png => ("\x89PNG more evidence"u8.ToArray(), "image/png");
    private static (byte[], string) Package => (AssetSamples.Zip(("readme.txt", AssetSamples.Text("version 2"))), "application/zip");

    public static readonly IReadOnlyList<RouteRule> Rules =
    [
        // Open routes.
        Get("/api/health") with { Access = Access.Anyone },
        Get("/api/openapi.json") with { Access = Access.Anyone },
        Post("/api/dev/tokens") with { Access = Access.Anyone, DevOnly = true, Body = _ => new { subject = "buyer-9", roles = new[] { "buyer" } }, Live = true },
        Post("/api/dev/metered-instances") with { DevOnly = true, Allowed = [Ops], Body = w => new { orderId = w.MeteredOrderId }, Live = true },

        // Catalogue and orders.
        Post("/api/sellers") with { Allowed = [Ops], Body = _ => new { name = "Seller C", productionUrl = "https://seller-c.example.com/saasproduce" }, Live = true },
        Post("/api/products") with { Allowed = [Seller], Body = _ => new { name = "Another product", deliveryType = "saas", chargingMode = "period" }, Live = true },
        Get("/api/products/{productId}") with { Allowed = Everyone, Live = true },
        Post("/api/orders") with { Allowed = [Buyer], Body = w => new { productId = w.SaasProductId, periodMonths = 1 }, Live = true },
        Get("/api/orders/{orderId}") with { Allowed = [Buyer, Seller, Ops], Owned = [Buyer, Seller], Live = true },
        Post("/api/products/{productId}/freeze") with { Allowed = [Ops], Body = _ => new { reason = "Interface down." }, OptionalBody = true, Ids = w => new() { ["productId"] = w.SaasProduct2Id }, Live = true },
        Post("/api/products/{productId}/unfreeze") with { Allowed = [Ops], Ids = w => new() { ["productId"] = w.SaasProduct2Id }, Live = true },

        // Supervision cases.
        Get("/api/cases") with { Allowed = Everyone, Owned = [Buyer, Seller], Hides = w => w.ImplementingCaseId, Query = _ => "state=SellerImplementing&page=1", Live = true },
        Get("/api/cases/{caseId}") with { Allowed = Everyone, Owned = [Buyer, Seller], Live = true },
        Post("/api/cases/{caseId}/requirement") with { Allowed = [Buyer], Owned = [Buyer], Body = _ => new { text = "Move the mail server by Monday." }, Ids = w => new() { ["caseId"] = w.RequirementCaseId }, Live = true },
        Post("/api/cases/{caseId}/requirement/decision") with { Allowed = [Seller], Owned = [Seller], Body = _ => new { decision = "return", reason = "Which mail server?" }, Ids = w => new() { ["caseId"] = w.ConfirmationCaseId }, Live = true },
        Put("/api/cases/{caseId}/reports/{fileName}") with { Allowed = [Seller], Owned = [Seller], Raw = _ => Pdf, Live = true },
        Get("/api/cases/{caseId}/reports/{reportId}") with { Allowed = Everyone, Owned = [Buyer, Seller], Live = true },
        Post("/api/cases/{caseId}/delivery") with { Allowed = [Seller], Owned = [Seller], Body = w => new { reportIds = new[] { w.ReportId } }, Live = true },
        Post("/api/cases/{caseId}/review") with { Allowed = [Reviewer], Body = _ => new { decision = "reject", reason = "The report has no test results." }, Ids = w => new() { ["caseId"] = w.ReviewCaseId }, Live = true },
        Post("/api/cases/{caseId}/acceptance") with { Allowed = [Buyer], Owned = [Buyer], Body = _ => new { decision = "reject", reason = "The report misses the test results." }, Ids = w => new() { ["caseId"] = w.AcceptanceCaseId }, Live = true },
        Post("/api/cases/{caseId}/proof") with { Allowed = [Seller], Owned = [Seller], Body = w => new { reportIds = new[] { w.ReportId } } },
        Post("/api/cases/{caseId}/deployment") with { Allowed = [Seller], Owned = [Seller] },
        Post("/api/cases/{caseId}/courier-sign-off") with { Allowed = [Ops], Body = w => new { signedAt = w.Now.AddHours(-1), signerPhone = "8000" } },
        Post("/api/cases/{caseId}/license-activation") with { Allowed = [Ops], Body = w => new { activatedAt = w.Now.AddHours(-1) } },
        Put("/api/cases/{caseId}/evidence/{fileName}") with { Allowed = [Buyer, Seller], Owned = [Buyer, Seller], Raw = _ => Png, Ids = _ => new() { ["fileName"] = "screen.png" }, Live = true },
        Get("/api/cases/{caseId}/evidence/{evidenceId}") with { Allowed = [Buyer, Seller, Ops], Owned = [Buyer, Seller], Live = true },
        Post("/api/cases/{caseId}/appeals") with { Allowed = [Buyer, Seller], Owned = [Buyer, Seller], Body = _ => new { reason = "No answer for a week.", demands = "A refund." }, Ids = w => new() { ["caseId"] = w.RequirementCaseId }, Destructive = true, Live = true },
        Get("/api/appeals") with { Allowed = [Ops], Query = _ => "status=open", Live = true },
        Post("/api/appeals/{appealId}/resolution") with { Allowed = [Ops], Body = _ => new { outcome = "resume", note = "The seller answered." }, Destructive = true, Live = true },

        // SaaS instances.
        Post("/api/orders/{orderId}/renewal") with { Allowed = [Buyer], Owned = [Buyer], Body = w => new { expireTime = w.Now.AddYears(2) }, Live = true },
        Post("/api/orders/{orderId}/upgrade") with { Allowed = [Buyer], Owned = [Buyer], Body = w => new { productId = w.SaasProduct2Id } },
        Post("/api/orders/{orderId}/unsubscribe") with { Allowed = [Buyer], Owned = [Buyer], Ids = w => new() { ["orderId"] = w.SpareSaasOrderId }, Destructive = true, Live = true },
        Post("/api/instances/{instanceId}/status") with { Allowed = [Ops], Body = _ => new { status = "FREEZE", reason = "Unpaid." }, Live = true },

        // Seller calls, notifications, keys, conformance.
        Get("/api/seller/calls") with { Allowed = [Seller, Ops], Owned = [Seller], Hides = w => w.CallId, Query = _ => "status=succeeded&page=1", Live = true },
        Get("/api/seller/calls/{callId}") with { Allowed = [Seller, Ops], Owned = [Seller], Live = true },
        Post("/api/seller/calls/{callId}/retry") with { Allowed = [Seller, Ops], Owned = [Seller] },
        Post("/api/seller/calls/{callId}/manual-delivery") with { Allowed = [Seller, Ops], Owned = [Seller], Body = w => new { instanceId = "ins-by-hand-1", note = "Created by hand." } },
        Get("/api/seller/notifications") with { Allowed = [Seller, Ops], Query = _ => "max=10", Live = true },
        Post("/api/sellers/{sellerId}/keys") with { Allowed = [Seller], Owned = [Seller], Live = true },
        Get("/api/sellers/{sellerId}/keys") with { Allowed = [Seller], Owned = [Seller], Live = true },
        Post("/api/sellers/{sellerId}/keys/{keyId}/activation") with { Allowed = [Seller], Owned = [Seller], Live = true },
        Put("/api/sellers/{sellerId}/kit-public-key") with { Allowed = [Seller], Owned = [Seller], Body = w => new { publicKeyPem = w.KitPublicKeyPem }, Live = true },
        Post("/api/products/{productId}/conformance-runs") with { Allowed = [Seller], Owned = [Seller], Live = true },
        Get("/api/products/{productId}/conformance-runs") with { Allowed = [Seller, Ops], Owned = [Seller], Live = true },
        Get("/api/products/{productId}/conformance-runs/{runId}") with { Allowed = [Seller, Ops], Owned = [Seller], Live = true },
        Get("/api/products/{productId}/dial-tests") with { Allowed = [Seller, Ops], Owned = [Seller], Live = true },

        // Asset center.
        Put("/api/assets/{fileName}") with { Allowed = [Seller], Query = _ => "type=softwarePackage&name=Tool", Raw = _ => Package, Ids = _ => new() { ["fileName"] = "tool-2.0.zip" }, Live = true },
        Get("/api/assets") with { Allowed = [Seller, Ops, Reviewer], Owned = [Seller], Hides = w => w.AssetId, Live = true },
        Get("/api/assets/{assetId}") with { Allowed = [Seller, Ops, Reviewer], Owned = [Seller], Live = true },
        Put("/api/assets/{assetId}/file/{fileName}") with { Allowed = [Seller], Owned = [Seller], Raw = _ => Package, Ids = w => new() { ["assetId"] = w.SpareAsset2Id, ["fileName"] = "app-1.1.zip" }, Live = true },
        Delete("/api/assets/{assetId}") with
        {
            Allowed = [Seller, Ops], Owned = [Seller], Ids = w => new() { ["assetId"] = w.SpareAssetId }, Destructive = true, Live = true,
            OwnIds = (w, role) => new() { ["assetId"] = role == Ops ? w.SpareAsset2Id : w.SpareAssetId },
        },
        Get("/api/assets/{assetId}/file") with { Allowed = [Seller, Ops, Reviewer], Owned = [Seller], Query = _ => "version=1", Live = true },
        Post("/api/products/{productId}/assets") with { Allowed = [Seller], Owned = [Seller], Body = w => new { assetIds = new[] { w.AssetId } }, Live = true },
        Get("/api/products/{productId}/assets") with { Allowed = Everyone, Live = true },
        Delete("/api/products/{productId}/assets/{assetId}") with { Allowed = [Seller], Owned = [Seller], Destructive = true },

        // Hardware unsubscribe.
        Post("/api/orders/{orderId}/unsubscriptions") with { Allowed = [Buyer], Owned = [Buyer], Body = _ => new { kind = "received", reason = "It does not fit the rack." }, Ids = w => new() { ["orderId"] = w.HardwareOrder2Id }, Live = true },
        Get("/api/unsubscriptions") with { Allowed = [Buyer, Seller, Ops], Owned = [Buyer, Seller], Hides = w => w.UnsubscriptionId, Query = _ => "status=AwaitingSellerReview", Live = true },
        Get("/api/unsubscriptions/quota") with { Allowed = [Buyer], Live = true },
        Get("/api/unsubscriptions/{unsubscriptionId}") with { Allowed = [Buyer, Seller, Ops], Owned = [Buyer, Seller], Live = true },
        Post("/api/unsubscriptions/{unsubscriptionId}/review") with { Allowed = [Seller], Owned = [Seller], Body = _ => new { decision = "reject", reason = "The goods were delivered and signed for." }, Live = true },
        Post("/api/unsubscriptions/{unsubscriptionId}/return-shipment") with { Allowed = [Buyer], Owned = [Buyer], Body = _ => new { carrier = "SF Express", trackingNo = "SF1234567890" } },
        Post("/api/unsubscriptions/{unsubscriptionId}/inspection") with { Allowed = [Seller], Owned = [Seller], Body = _ => new { decision = "accept", note = "All parts back." } },
        Post("/api/unsubscriptions/{unsubscriptionId}/withdrawal") with { Allowed = [Buyer], Owned = [Buyer], Body = _ => new { reason = "Found a use for it." }, OptionalBody = true, Destructive = true },

        // Usage and bills.
        Post("/api/mkp-openapi-public/global/v1/isv/usage-data") with
        {
            Access = Access.SellerServer,
            Body = w => new Dictionary<string, object> { ["usage_records"] = new[] { UsageMarket.Record(w.MeteredInstanceId, UsageMarket.HourStart(w.Now, 2), TimeSpan.FromMinutes(5), 2m) } },
        },
        Get("/api/mkp-openapi-public/global/v1/order/query") with { Access = Access.SellerServer, Query = w => "orderId=" + Uri.EscapeDataString(w.SaasOrderId) },
        Get("/api/bills") with { Allowed = [Seller, Buyer, Ops], Owned = [Seller, Buyer], Query = w => "instanceId=" + Uri.EscapeDataString(w.MeteredInstanceId), Live = true },
        Get("/api/bills/{billId}") with { Allowed = [Seller, Buyer, Ops], Owned = [Seller, Buyer], Live = true },
        Get("/api/bills/{billId}/records") with { Allowed = [Seller, Buyer, Ops], Owned = [Seller, Buyer], Live = true },
        Post("/api/ops/bill-runs") with { Allowed = [Ops], Body = _ => new { granularity = "hour" }, Live = true },
        Get("/api/ops/bill-runs/{granularity}") with { Allowed = [Ops], Live = true },

        // License 2.0 codes.
        Post("/api/mkp-openapi-public/global/v1/license/activate") with { Access = Access.SellerServer, Body = w => new { license = w.LicenseCode } },
        Get("/api/licenses") with { Allowed = [Buyer, Seller, Ops], Owned = [Buyer, Seller], Hides = w => w.LicenseId, Live = true },
        Get("/api/licenses/{licenseId}") with { Allowed = [Buyer, Seller, Ops], Owned = [Buyer, Seller], Live = true },
        Post("/api/licenses/{licenseId}/renewal") with { Allowed = [Buyer], Owned = [Buyer], Body = w => new { expireTime = w.Now.AddYears(2) } },
        Post("/api/licenses/{licenseId}/status") with { Allowed = [Ops], Body = _ => new { status = "FREEZE", reason = "Unpaid." } },
        Post("/api/licenses/{licenseId}/release") with { Allowed = [Buyer, Ops], Owned = [Buyer], Body = _ => new { reason = "No longer needed." }, OptionalBody = true, Destructive = true },

        // Federated Kit.
        Post("/api/orders/{orderId}/enterprise") with
        {
            Allowed = [Buyer], Owned = [Buyer], Ids = w => new() { ["orderId"] = w.FreeSaasOrderId }, Live = true,
            Body = _ => new { tenantId = "tenant-f", tenantCode = "beta", name = "Beta Ltd", domainName = "https://beta.tenantaccount.com", departments = new[] { new { orgCode = "root", orgName = "Beta", parentCode = "" } } },
        },
        Get("/api/enterprise/{bindingId}") with { Allowed = [Buyer, Ops], Owned = [Buyer], Live = true },
        Post("/api/enterprise/{bindingId}/departments") with { Allowed = [Buyer], Owned = [Buyer], Body = _ => new { orgCode = "ops", orgName = "Operations", parentCode = "root" }, Live = true },
        Put("/api/enterprise/{bindingId}/departments/{orgCode}") with { Allowed = [Buyer], Owned = [Buyer], Body = _ => new { orgName = "Research", parentCode = "root" }, Live = true },
        Delete("/api/enterprise/{bindingId}/departments/{orgCode}") with { Allowed = [Buyer], Owned = [Buyer], Destructive = true },
        Post("/api/enterprise/{bindingId}/users") with { Allowed = [Buyer], Owned = [Buyer], Body = _ => new { users = new[] { new { userName = "li.lei", name = "Li Lei", orgCode = SecurityWorld.OrgCode, role = "user", email = "li.lei@acme.example" } } }, Live = true },
        Put("/api/enterprise/{bindingId}/users") with { Allowed = [Buyer], Owned = [Buyer], Body = _ => new { users = new[] { new { userName = "li.lei", name = "Li Lei", orgCode = "root", role = "admin" } } } },
        Post("/api/enterprise/{bindingId}/users/revoke") with { Allowed = [Buyer], Owned = [Buyer], Body = _ => new { userNames = new[] { "li.lei" } } },
        Post("/api/enterprise/{bindingId}/users/delete") with { Allowed = [Buyer], Owned = [Buyer], Body = _ => new { userNames = new[] { "li.lei" } }, Destructive = true },
        Post("/api/enterprise/{bindingId}/calls/{callId}/retry") with { Allowed = [Buyer, Ops], Owned = [Buyer], Ids = w => new() { ["callId"] = w.KitCallId } },
    ];
}

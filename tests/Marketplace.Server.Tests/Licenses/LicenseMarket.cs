using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Server.Tests.SellerCalls;

namespace Marketplace.Server.Tests.Licenses;

/// <summary>
/// A server for the License 2.0 tests: seller calls retried for 20 s (1 s, then every 2 s), and appeals allowed at any
/// time so a case can be closed without waiting for a stall window.
/// </summary>
public sealed class LicenseApp : IAsyncLifetime
{
    public MarketplaceApp App { get; } = new(new Dictionary<string, string?>(SaasMarket.FastSettings(TimeSpan.FromSeconds(20)))
    {
        ["Supervision:AppealPolicy"] = "AnyTime",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => App.DisposeAsync().AsTask();

    public async Task<LicenseMarket> MarketAsync() => new(await SaasMarket.OpenAsync(App.ClientAsAsync), App.CreateClient());
}

/// <summary>A seller with a fake server selling a License 2.0 product, its buyer and ops; the seller's software is the fake.</summary>
public sealed class LicenseMarket(SaasMarket saas, HttpClient anonymous) : IAsyncDisposable
{
    public SaasMarket Saas { get; } = saas;

    /// <summary>A client without a token: what a seller's server uses (it signs instead).</summary>
    public HttpClient Anonymous { get; } = anonymous;

    public sealed record Bought(string OrderId, string OrderLineId, string CaseId, string LicenseId);

    /// <summary>Buys a License 2.0 (licenseCode) product for <paramref name="periodMonths"/> months.</summary>
    public async Task<Bought> BuyAsync(int periodMonths = 12, string scenario = "standard")
    {
        var p = await (await Saas.Seller.PostAsJsonAsync("/api/products", new { name = "CAD license", deliveryType = "licenseCode", chargingMode = "period" })).JsonAsync(201);
        var o = await (await Saas.Buyer.PostAsJsonAsync("/api/orders", new { productId = p["productId"]!.GetValue<string>(), scenario, periodMonths })).JsonAsync(201);
        return new Bought(o["orderId"]!.GetValue<string>(), o["orderLineId"]!.GetValue<string>(), o["caseId"]!.GetValue<string>(), o["licenseId"]!.GetValue<string>());
    }

    public async Task<JsonObject> LicenseAsync(string licenseId, HttpClient? as_ = null) =>
        await (await (as_ ?? Saas.Buyer).GetAsync($"/api/licenses/{licenseId}")).JsonAsync();

    public Task<JsonObject> WaitForLicenseAsync(string licenseId, Func<JsonObject, bool> done, string what) =>
        Market.EventuallyAsync(() => LicenseAsync(licenseId, Saas.Ops), done, TimeSpan.FromSeconds(30), what);

    public async Task<string> CodeAsync(string licenseId) => (await LicenseAsync(licenseId))["code"]!.GetValue<string>();

    public async Task<JsonObject> CaseAsync(string caseId) => await (await Saas.Ops.GetAsync($"/api/cases/{caseId}")).JsonAsync();

    public static string State(JsonObject c) => c["state"]!.GetValue<string>();

    public static IEnumerable<string> Actions(JsonObject c) => c["timeline"]!.AsArray().Select(t => t!["action"]!.GetValue<string>());

    /// <summary>§6.2-L2 #1–#2: the seller delivers (the code) and the buyer confirms receipt → LicenseActivation.</summary>
    public async Task<JsonObject> DeliverAndReceiveAsync(string caseId)
    {
        await (await Saas.Seller.PostAsJsonAsync($"/api/cases/{caseId}/delivery", new { })).JsonAsync();
        return await (await Saas.Buyer.PostAsJsonAsync($"/api/cases/{caseId}/acceptance", new { decision = "accept" })).JsonAsync();
    }

    /// <summary>§6.2-L2 #4: the seller uploads the delivery proof and hands it in.</summary>
    public async Task<JsonObject> ProofAsync(string caseId)
    {
        using var content = new ByteArrayContent("%PDF-1.7 deployment proof"u8.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        var report = await (await Saas.Seller.PutAsync($"/api/cases/{caseId}/reports/proof-{Guid.NewGuid():N}.pdf", content)).JsonAsync(201);
        return await (await Saas.Seller.PostAsJsonAsync($"/api/cases/{caseId}/proof", new { reportIds = new[] { report["reportId"]!.GetValue<string>() } })).JsonAsync();
    }

    /// <summary>Buys, delivers, receives, activates through the seller's server and hands in the proof: a completed case.</summary>
    public async Task<Bought> CompletedAsync()
    {
        var bought = await BuyAsync();
        await DeliverAndReceiveAsync(bought.CaseId);
        await (await Saas.Fake.ActivateLicenseAsync(Anonymous, await CodeAsync(bought.LicenseId))).JsonAsync();
        await ProofAsync(bought.CaseId);
        await WaitForLicenseAsync(bought.LicenseId, l => l["supervision"]?.GetValue<string>() == "completed", "the code to follow the completed case");
        return bought;
    }

    public ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        return Saas.DisposeAsync();
    }
}

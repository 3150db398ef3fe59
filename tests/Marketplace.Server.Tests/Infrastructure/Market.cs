using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Server.Tests.Infrastructure;

/// <summary>
/// A small marketplace on a running server: ops, one seller with a product, one buyer, and the calls a frontend
/// makes. Each party has its own client with its own dev token.
/// </summary>
public sealed class Market
{
    private Market(HttpClient ops, HttpClient seller, HttpClient buyer, HttpClient reviewer, HttpClient stranger, string sellerId)
    {
        Ops = ops;
        Seller = seller;
        Buyer = buyer;
        Reviewer = reviewer;
        OtherBuyer = stranger;
        SellerId = sellerId;
    }

    public HttpClient Ops { get; }
    public HttpClient Seller { get; }
    public HttpClient Buyer { get; }
    public HttpClient Reviewer { get; }
    public HttpClient OtherBuyer { get; }
    public string SellerId { get; }

    public static async Task<Market> OpenAsync(Func<string, string, Task<HttpClient>> clientAs, string productionUrl = "http://127.0.0.1:9/saasproduce")
    {
        var ops = await clientAs("ops-1", "ops");
        var seller = await (await ops.PostAsJsonAsync("/api/sellers", new { name = "Acme Services", productionUrl })).JsonAsync(201);
        var sellerId = seller["sellerId"]!.GetValue<string>();
        return new Market(ops, await clientAs(sellerId, "seller"), await clientAs("buyer-1", "buyer"), await clientAs("reviewer-1", "reviewer"),
            await clientAs("buyer-2", "buyer"), sellerId);
    }

    public async Task<string> ProductAsync(string deliveryType, string chargingMode = "oneTime", string? usageBilling = null)
    {
        var p = await (await Seller.PostAsJsonAsync("/api/products", new { name = $"{deliveryType} product", deliveryType, chargingMode, usageBilling })).JsonAsync(201);
        return p["productId"]!.GetValue<string>();
    }

    /// <summary>Buys a product of the delivery type; returns the case id.</summary>
    public async Task<string> CaseAsync(string deliveryType = "manualService", string scenario = "standard", object? shipping = null)
    {
        var productId = await ProductAsync(deliveryType);
        var order = await (await Buyer.PostAsJsonAsync("/api/orders", new { productId, scenario, periodMonths = 1, shipping })).JsonAsync(201);
        return order["caseId"]!.GetValue<string>();
    }

    public async Task<JsonObject> GetCaseAsync(string caseId, HttpClient? as_ = null) =>
        await (await (as_ ?? Ops).GetAsync($"/api/cases/{caseId}")).JsonAsync();

    public static async Task<JsonObject> OkAsync(Task<HttpResponseMessage> call) => await (await call).JsonAsync();

    public Task<JsonObject> SubmitRequirementAsync(string caseId) =>
        OkAsync(Buyer.PostAsJsonAsync($"/api/cases/{caseId}/requirement", new { text = "Migrate 3 databases to the cloud by Friday." }));

    public Task<JsonObject> ConfirmRequirementAsync(string caseId) =>
        OkAsync(Seller.PostAsJsonAsync($"/api/cases/{caseId}/requirement/decision", new { decision = "confirm" }));

    public async Task<string> UploadReportAsync(string caseId, string fileName = "acceptance.pdf", byte[]? bytes = null, string contentType = "application/pdf")
    {
        using var content = new ByteArrayContent(bytes ?? "%PDF-1.7 acceptance report"u8.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        var r = await (await Seller.PutAsync($"/api/cases/{caseId}/reports/{fileName}", content)).JsonAsync(201);
        return r["reportId"]!.GetValue<string>();
    }

    public async Task<JsonObject> DeliverAsync(string caseId)
    {
        // A delivered report is locked: each delivery hands in a new one.
        var reportId = await UploadReportAsync(caseId, $"acceptance-{Guid.NewGuid():N}.pdf");
        return await OkAsync(Seller.PostAsJsonAsync($"/api/cases/{caseId}/delivery", new { reportIds = new[] { reportId } }));
    }

    public Task<JsonObject> AcceptAsync(string caseId) =>
        OkAsync(Buyer.PostAsJsonAsync($"/api/cases/{caseId}/acceptance", new { decision = "accept" }));

    public Task<JsonObject> RejectAsync(string caseId, string reason = "The report misses the test results.") =>
        OkAsync(Buyer.PostAsJsonAsync($"/api/cases/{caseId}/acceptance", new { decision = "reject", reason }));

    /// <summary>Polls until the condition holds (timers and queues run on real time), or fails after the timeout.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        T last;
        do
        {
            last = await probe();
            if (done(last)) return last;
            await Task.Delay(150);
        } while (DateTime.UtcNow < until);
        throw new Xunit.Sdk.XunitException($"Timed out waiting for {what ?? "the condition"}; last value: {last}");
    }
}

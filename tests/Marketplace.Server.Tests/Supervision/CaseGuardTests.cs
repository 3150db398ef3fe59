using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.Supervision;

/// <summary>Bad input and the wrong people get a clear problem+json answer, and the case does not change.</summary>
public sealed class CaseGuardTests : IAsyncLifetime
{
    private readonly MarketplaceApp _app = new(new Dictionary<string, string?> { ["CaseFiles:MaxBytes"] = "4096" });
    private Market _m = null!;
    private string _caseId = null!;

    public async Task InitializeAsync()
    {
        _m = await Market.OpenAsync(_app.ClientAsAsync);
        _caseId = await _m.CaseAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<JsonObject> Unchanged(long version)
    {
        var c = await _m.GetCaseAsync(_caseId);
        Assert.Equal(version, c["version"]!.GetValue<long>());
        return c;
    }

    private async Task<long> Version() => (await _m.GetCaseAsync(_caseId))["version"]!.GetValue<long>();

    [Fact]
    public async Task Wrong_party_is_403_and_changes_nothing()
    {
        var v = await Version();
        await (await _m.Seller.PostAsJsonAsync($"/api/cases/{_caseId}/acceptance", new { decision = "accept" })).ProblemAsync(403, "auth.forbidden");
        await (await _m.Buyer.PostAsJsonAsync($"/api/cases/{_caseId}/requirement/decision", new { decision = "confirm" })).ProblemAsync(403, "auth.forbidden");
        await Unchanged(v);
    }

    [Fact]
    public async Task Another_buyers_case_is_not_found()
    {
        var v = await Version();
        await (await _m.OtherBuyer.GetAsync($"/api/cases/{_caseId}")).ProblemAsync(404, "case.not-found");
        await (await _m.OtherBuyer.PostAsJsonAsync($"/api/cases/{_caseId}/requirement", new { text = "mine now" })).ProblemAsync(404, "case.not-found");
        var list = await (await _m.OtherBuyer.GetAsync("/api/cases")).JsonAsync();
        Assert.Equal(0, list["total"]!.GetValue<int>());
        await Unchanged(v);
    }

    [Fact]
    public async Task Wrong_state_is_409_naming_the_state()
    {
        var v = await Version();
        var problem = await (await _m.Buyer.PostAsJsonAsync($"/api/cases/{_caseId}/acceptance", new { decision = "accept" })).ProblemAsync(409, "case.invalid-transition");
        Assert.Contains("AwaitingRequirement", problem["detail"]!.GetValue<string>());
        await Unchanged(v);
    }

    [Fact]
    public async Task Unknown_case_is_404()
    {
        await (await _m.Buyer.GetAsync("/api/cases/SCNOPE")).ProblemAsync(404, "case.not-found");
        await (await _m.Ops.PostAsJsonAsync("/api/appeals/SCNOPE.1/resolution", new { outcome = "resume", note = "x" })).ProblemAsync(404, "case.not-found");
    }

    [Fact]
    public async Task Oversized_or_wrongly_typed_reports_are_refused_and_store_nothing()
    {
        await _m.SubmitRequirementAsync(_caseId);
        await _m.ConfirmRequirementAsync(_caseId);
        var v = await Version();

        using var big = new ByteArrayContent(new byte[5000]);
        big.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        await (await _m.Seller.PutAsync($"/api/cases/{_caseId}/reports/big.pdf", big)).ProblemAsync(413, "file.too-large");

        // Without a Content-Length the limit is enforced while streaming.
        using var streamed = new StreamContent(new MemoryStream(new byte[5000]));
        streamed.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/cases/{_caseId}/reports/streamed.pdf") { Content = streamed };
        request.Headers.TransferEncodingChunked = true;
        await (await _m.Seller.SendAsync(request)).ProblemAsync(413, "file.too-large");

        using var exe = new ByteArrayContent("MZ"u8.ToArray());
        exe.Headers.ContentType = new MediaTypeHeaderValue("application/x-msdownload");
        await (await _m.Seller.PutAsync($"/api/cases/{_caseId}/reports/tool.exe", exe)).ProblemAsync(415, "file.unsupported-type");

        using var traversal = new ByteArrayContent("%PDF"u8.ToArray());
        traversal.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        await (await _m.Seller.PutAsync($"/api/cases/{_caseId}/reports/..%2F..%2Fetc%2Fpasswd", traversal)).ProblemAsync(400, "validation.file-name");

        var c = await Unchanged(v);
        Assert.Empty(c["reports"]!.AsArray());
    }

    [Fact]
    public async Task Replayed_idempotency_key_returns_the_first_response_and_acts_once()
    {
        async Task<HttpResponseMessage> Submit(string text)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{_caseId}/requirement") { Content = JsonContent.Create(new { text }) };
            request.Headers.Add("Idempotency-Key", "req-1");
            return await _m.Buyer.SendAsync(request);
        }

        var first = await (await Submit("Set up the CRM for 20 users.")).JsonAsync();
        var v = await Version();
        var replay = await (await Submit("Set up the CRM for 20 users.")).JsonAsync();
        Assert.Equal(first.ToJsonString(), replay.ToJsonString());
        await Unchanged(v);
        Assert.Single(first["timeline"]!.AsArray(), t => t!["action"]!.GetValue<string>() == "requirement.submitted");
    }

    [Fact]
    public async Task Invalid_words_and_missing_reasons_are_422()
    {
        var v = await Version();
        await (await _m.Buyer.PostAsJsonAsync($"/api/cases/{_caseId}/requirement", new { text = "  " })).ProblemAsync(422, "validation.failed");
        await (await _m.Seller.PostAsJsonAsync($"/api/cases/{_caseId}/requirement/decision", new { decision = "maybe" })).ProblemAsync(422, "validation.failed");
        await Unchanged(v);
    }
}

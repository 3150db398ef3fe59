using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.Supervision;

/// <summary>A stall timer survives a crash: the deadline is stored with the case and reloaded at start-up.</summary>
public sealed class CaseTimerRestartTests
{
    [Fact]
    public async Task A_stall_timer_pending_across_a_kill_still_fires_on_time()
    {
        var prefix = TestStorage.NewPrefix();
        var settings = new Dictionary<string, string?> { ["Supervision:StallWindow"] = "00:00:06" };
        var server = await ServerProcess.StartAsync(prefix, settings);
        string caseId;
        HttpClient buyer;
        try
        {
            async Task<HttpClient> ClientAs(string subject, string role)
            {
                var client = server.CreateClient();
                var token = await (await client.PostAsJsonAsync("/api/dev/tokens", new { subject, roles = new[] { role } })).JsonAsync();
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["token"]!.GetValue<string>());
                return client;
            }

            var m = await Market.OpenAsync(ClientAs);
            caseId = await m.CaseAsync("appOrchestration");
            buyer = m.Buyer;
        }
        finally
        {
            server.Kill(); // SIGKILL with the timer pending
        }

        await using var restarted = await ServerProcess.StartAsync(prefix, settings, server.BaseUrl.Port);
        var c = await Market.EventuallyAsync(async () => await (await buyer.GetAsync($"/api/cases/{caseId}")).JsonAsync(),
            c => c["timeline"]!.AsArray().Any(t => t!["action"]!.GetValue<string>() == "stall.window-elapsed"),
            TimeSpan.FromSeconds(30), "the stall timer after the restart");

        var entered = c["stateEnteredAt"]!.GetValue<DateTimeOffset>();
        var fired = c["timeline"]!.AsArray().Single(t => t!["action"]!.GetValue<string>() == "stall.window-elapsed")!["at"]!.GetValue<DateTimeOffset>();
        Assert.InRange(fired - entered, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(12));
        Assert.True(c["appealEligibility"]!["buyer"]!["eligible"]!.GetValue<bool>());
        Assert.True(c["timelineVerified"]!.GetValue<bool>());
        await server.DisposeAsync();
    }
}

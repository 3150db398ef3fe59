using System.Net.Http.Headers;
using System.Net.Http.Json;
using Marketplace.FakeSeller;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.SellerCalls;

/// <summary>The real server as a process, killed (SIGKILL) in the middle of retrying and started again on the same storage.</summary>
public sealed class RestartTests
{
    private static readonly Dictionary<string, string?> Settings = new(SaasMarket.FastSettings(TimeSpan.FromMinutes(2))) { ["Logging:LogLevel:Marketplace"] = "Debug" };

    [Fact]
    public async Task A_restart_mid_retry_loses_no_call_and_sends_none_twice_after_success()
    {
        var prefix = TestStorage.NewPrefix();
        var first = await ServerProcess.StartAsync(prefix, Settings);
        ServerProcess? second = null;
        SaasMarket? market = null;
        try
        {
            async Task<HttpClient> ClientAs(ServerProcess server, string subject, string role)
            {
                var client = server.CreateClient();
                var token = (await (await client.PostAsJsonAsync("/api/dev/tokens", new { subject, roles = new[] { role } })).JsonAsync())["token"]!.GetValue<string>();
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return client;
            }

            market = await SaasMarket.OpenAsync((s, r) => ClientAs(first, s, r));
            market.Fake.SetScenario(FakeScenario.FailAlways(FakeFailure.Http500));
            var productId = await market.ProductAsync();
            var retrying = (await market.OrderAsync(productId))["orderId"]!.GetValue<string>();
            var fresh = (await market.OrderAsync(productId))["orderId"]!.GetValue<string>();
            await market.Fake.WaitForAsync(r => r.Field("orderId") == retrying, 2, TimeSpan.FromSeconds(20)); // mid-retry
            first.Kill();

            market.Fake.SetScenario(FakeScenario.Succeed());
            second = await ServerProcess.StartAsync(prefix, Settings);
            var buyer = await ClientAs(second, "buyer-1", "buyer");
            foreach (var orderId in new[] { retrying, fresh })
                await Market.EventuallyAsync(async () => await (await buyer.GetAsync($"/api/orders/{orderId}")).JsonAsync(),
                    o => o["status"]?.GetValue<string>() == "active", TimeSpan.FromSeconds(30), $"order {orderId} active after the restart");

            await Task.Delay(TimeSpan.FromSeconds(4)); // longer than the backoff: a lost or duplicated attempt would show
            foreach (var orderId in new[] { retrying, fresh })
            {
                var sent = market.RequestsFor(orderId, "newInstance");
                var success = sent.Select((r, i) => (r, i)).Where(x => x.r.ResultCode == "000000").Select(x => x.i).ToList();
                Assert.Single(success);
                Assert.Equal(sent.Count - 1, success[0]); // nothing after the success
                Assert.Single(market.Fake.Instances, i => i.OrderId == orderId);
            }

            var seller = await ClientAs(second, market.SellerId, "seller");
            var calls = (await (await seller.GetAsync($"/api/seller/calls?orderId={retrying}")).JsonAsync())["items"]!.AsArray();
            var call = calls.Single(c => c!["activity"]!.GetValue<string>() == "newInstance")!;
            Assert.Equal("succeeded", call["status"]!.GetValue<string>());
            // The attempts recorded before the crash are kept (one cut short by the kill reached the seller but not the record).
            Assert.True(call["attempts"]!.GetValue<int>() >= 2, "the attempts before the crash are kept");
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"{ex.Message}\n--- seller ---\n{string.Join("\n", market?.Fake.Requests.Select(r => $"{r.At:HH:mm:ss.fff} {r.Activity} {r.Field("orderId")} {r.StatusCode} {r.ResultCode}") ?? [])}\n--- first server ---\n{first.Output}\n--- second server ---\n{second?.Output}", ex);
        }
        finally
        {
            if (market is not null) await market.DisposeAsync();
            await first.DisposeAsync();
            if (second is not null) await second.DisposeAsync();
        }
    }
}

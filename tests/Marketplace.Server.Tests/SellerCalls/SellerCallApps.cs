using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.SellerCalls;

/// <summary>A server whose calls retry for 20 s (1 s, then every 2 s): long enough for a seller to recover.</summary>
public sealed class RecoveringApp : IAsyncLifetime
{
    public MarketplaceApp App { get; } = new(SaasMarket.FastSettings(TimeSpan.FromSeconds(20)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => App.DisposeAsync().AsTask();

    public Task<SaasMarket> MarketAsync(string buyerId = "buyer-1") => SaasMarket.OpenAsync(App.ClientAsAsync, buyerId);
}

/// <summary>A server whose calls park after 5 s (attempts at 0, 1, 3 and 5 s).</summary>
public sealed class ParkingApp : IAsyncLifetime
{
    public MarketplaceApp App { get; } = new(SaasMarket.FastSettings(TimeSpan.FromSeconds(5)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => App.DisposeAsync().AsTask();

    public Task<SaasMarket> MarketAsync(string buyerId = "buyer-1") => SaasMarket.OpenAsync(App.ClientAsAsync, buyerId);
}

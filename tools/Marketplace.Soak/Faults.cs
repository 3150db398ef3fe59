using Marketplace.FakeSeller;

namespace Marketplace.Soak;

/// <summary>
/// The faults: the server SIGKILLed at random moments and started again on the same port and storage at once; the fake
/// seller stopped (connection refused) for stretches, some longer than the retry window so calls park.
/// </summary>
internal sealed class Faults(ServerHost host, FakeSellerServer fake, SoakOptions options, Random random, Violations violations, Figures figures, Action<string> say)
{
    /// <summary>Kills and restarts until cancelled; returns with the server up.</summary>
    public async Task KillLoopAsync(CancellationToken ct)
    {
        while (await WaitAsync(options.KillEvery, ct)) await KillOnceAsync();
    }

    /// <summary>One SIGKILL, then the server started again on the same port and storage; returns with it up.</summary>
    public async Task KillOnceAsync()
    {
        host.Kill();
        int pause;
        lock (random) pause = random.Next(0, 1500);
        await Task.Delay(pause, CancellationToken.None);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var took = await host.StartAsync(CancellationToken.None);
                if (took > TimeSpan.FromSeconds(20)) say($"kill {host.Kills}: the server took {took.TotalSeconds:F1} s to recover");
                return;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                violations.Add("recovery", $"restart {attempt} after kill {host.Kills} failed: {e.Message}");
                host.Kill();
                if (attempt == 5) throw;
            }
        }
    }

    /// <summary>Takes the seller down and up until cancelled; returns with the seller up.</summary>
    public async Task SellerLoopAsync(CancellationToken ct)
    {
        while (await WaitAsync(options.SellerUp, ct))
        {
            await fake.StopAsync();
            figures.SellerDowntime();
            await WaitAsync(options.SellerDown, ct);
            await fake.RestartAsync();
        }
    }

    /// <summary>Waits a random time in the range; false when cancelled first.</summary>
    private async Task<bool> WaitAsync((double Min, double Max) range, CancellationToken ct)
    {
        try
        {
            await Task.Delay(Seconds(range), ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public TimeSpan Seconds((double Min, double Max) range)
    {
        lock (random) return TimeSpan.FromSeconds(range.Min + random.NextDouble() * (range.Max - range.Min));
    }
}

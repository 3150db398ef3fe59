using Marketplace.Api.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Api.Health;

/// <summary>Checks that a dependency answers (storage, for now).</summary>
public interface IHealthProbe
{
    string Name { get; }
    Task<bool> CheckAsync(CancellationToken ct);
}

public static class HealthEndpoints
{
    public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks, DateTimeOffset At);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", async (IEnumerable<IHealthProbe> probes, TimeProvider time, CancellationToken ct) =>
        {
            var checks = new Dictionary<string, string>();
            foreach (var probe in probes)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                bool ok;
                try { ok = await probe.CheckAsync(timeout.Token); }
                catch (Exception) when (!ct.IsCancellationRequested) { ok = false; }
                checks[probe.Name] = ok ? "ok" : "unreachable";
            }
            return checks.Values.All(v => v == "ok")
                ? Results.Ok(new HealthReport("ok", checks, time.GetUtcNow()))
                : Problem.Result(503, "health.degraded", $"Unreachable: {string.Join(", ", checks.Where(c => c.Value != "ok").Select(c => c.Key))}.");
        })
        .AllowAnonymous()
        .WithTags("Health")
        .WithSummary("Liveness and storage reachability");
        return app;
    }
}

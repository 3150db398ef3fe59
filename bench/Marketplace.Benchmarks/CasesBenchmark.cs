using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Storage;
using Marketplace.Storage.Blobs;
using Marketplace.Storage.Tables;

namespace Marketplace.Benchmarks;

/// <summary>
/// Mixed supervision-case actions from N concurrent clients against the real server on Azurite, beside the raw
/// Azurite rate of the same storage work done directly with the Table and Blob clients in the same run.
/// Each client runs cycles of five actions on its own case: buyer reads the case, seller uploads a report, seller
/// delivers, seller reads the case, buyer rejects (so the case cycles and its timeline grows).
/// </summary>
internal static class CasesBenchmark
{
    public const string OptionsHelp = "--clients 50 --seconds 30";
    private static readonly string[] Kinds = ["read", "upload", "deliver", "read", "reject"];

    public static async Task<int> RunAsync(string[] args)
    {
        var clients = TablesBenchmark.IntOption(args, "--clients", 50);
        var seconds = TablesBenchmark.IntOption(args, "--seconds", 30);
        var cs = Environment.GetEnvironmentVariable("Storage__ConnectionString");
        if (string.IsNullOrEmpty(cs))
        {
            Console.Error.WriteLine("Storage__ConnectionString is not set; run through scripts/bench.sh, which starts Azurite.");
            return 1;
        }
        Console.WriteLine($"cases: {clients} concurrent clients, {seconds} s per phase, cycles of read/upload/deliver/read/reject on one case per client");

        // CPU time per action is the figure that does not depend on what else the machine is doing.
        Azurite = AzuriteProcess.Find();
        var raw = await RunRawAsync(StorageAccount.Parse(cs), clients, TimeSpan.FromSeconds(seconds));
        await using var server = await ServerUnderTest.StartAsync("bench" + Guid.NewGuid().ToString("N")[..8]);
        var api = await RunServerAsync(server, clients, TimeSpan.FromSeconds(seconds));

        Print("raw Azurite (same reads and transactions)", raw);
        Print("server (HTTP, rules, audit chain)", api);
        Console.WriteLine($"ratio server/raw: {api.Rate / raw.Rate:P1} (target >= 50%); server p99 {Percentile(api.All, 0.99):F1} ms (target < 100 ms)");
        return 0;
    }

    private sealed record Result(double Rate, List<double> All, Dictionary<string, List<double>> ByKind, int Errors, int Count)
    {
        /// <summary>CPU milliseconds per action of Azurite and of the server process (null for the raw phase).</summary>
        public double? AzuriteCpuMs { get; init; }
        public double? ServerCpuMs { get; init; }
    }

    private static void Print(string title, Result r)
    {
        Console.WriteLine($"{title}: {r.Rate:F0} actions/s, p50 {Percentile(r.All, 0.5):F1} ms, p99 {Percentile(r.All, 0.99):F1} ms, errors {r.Errors}");
        if (r.AzuriteCpuMs is { } az) Console.WriteLine($"    CPU per action: Azurite {az:F2} ms" + (r.ServerCpuMs is { } sv ? $", server {sv:F2} ms" : ""));
        foreach (var (kind, list) in r.ByKind.OrderBy(k => k.Key))
            Console.WriteLine($"    {kind,-8} n={list.Count,6}  p50 {Percentile(list, 0.5),6:F1} ms  p99 {Percentile(list, 0.99),6:F1} ms");
    }

    private static double Cpu(Process? process)
    {
        if (process is null) return double.NaN;
        process.Refresh();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static Process? Azurite;

    private static async Task<Result> MeasureAsync(int clients, TimeSpan duration, Func<int, int, Task> action, int? serverPid = null)
    {
        using var server = serverPid is { } pid ? Process.GetProcessById(pid) : null;
        var (az0, sv0) = (Cpu(Azurite), Cpu(server));
        var samples = new ConcurrentBag<(string Kind, double Ms)>();
        var errors = 0;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            for (var step = 0; stop.Elapsed < duration; step++)
            {
                var t = Stopwatch.GetTimestamp();
                try { await action(c, step % Kinds.Length); }
                catch (Exception ex)
                {
                    if (Interlocked.Increment(ref errors) <= 3) Console.Error.WriteLine($"  error: {ex.Message}");
                    continue;
                }
                samples.Add((Kinds[step % Kinds.Length], Stopwatch.GetElapsedTime(t).TotalMilliseconds));
            }
        }));
        var elapsed = stop.Elapsed.TotalSeconds;
        var all = samples.Select(s => s.Ms).ToList();
        return new Result(all.Count / elapsed, all, samples.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Select(s => s.Ms).ToList()), errors, all.Count)
        {
            AzuriteCpuMs = Azurite is null ? null : (Cpu(Azurite) - az0) / all.Count,
            ServerCpuMs = server is null ? null : (Cpu(server) - sv0) / all.Count,
        };
    }

    private static async Task<Result> RunServerAsync(ServerUnderTest server, int clients, TimeSpan duration)
    {
        var ops = await server.ClientAsAsync("ops-bench", "ops");
        var seller = await (await ops.PostAsJsonAsync("/api/sellers", new { name = "Bench seller", productionUrl = "http://127.0.0.1:9/p" })).Content.ReadFromJsonAsync<JsonObject>();
        var sellerId = seller!["sellerId"]!.GetValue<string>();
        var sellerClients = new HttpClient[clients];
        var buyers = new HttpClient[clients];
        var cases = new string[clients];
        var lastReport = new string[clients];
        var productClient = await server.ClientAsAsync(sellerId, "seller");
        var product = await (await productClient.PostAsJsonAsync("/api/products", new { name = "Bench service", deliveryType = "appOrchestration", chargingMode = "oneTime" })).Content.ReadFromJsonAsync<JsonObject>();
        for (var c = 0; c < clients; c++)
        {
            sellerClients[c] = await server.ClientAsAsync(sellerId, "seller");
            buyers[c] = await server.ClientAsAsync($"bench-buyer-{c}", "buyer");
            var order = await (await buyers[c].PostAsJsonAsync("/api/orders", new { productId = product!["productId"]!.GetValue<string>() })).Content.ReadFromJsonAsync<JsonObject>();
            cases[c] = order!["caseId"]!.GetValue<string>();
        }
        var pdf = new byte[2048];
        return await MeasureAsync(clients, duration, async (c, kind) =>
        {
            HttpResponseMessage response;
            switch (kind)
            {
                case 0: response = await buyers[c].GetAsync($"/api/cases/{cases[c]}"); break;
                case 1:
                    using (var content = new ByteArrayContent(pdf))
                    {
                        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
                        response = await sellerClients[c].PutAsync($"/api/cases/{cases[c]}/reports/r{Guid.NewGuid():N}.pdf", content);
                        if (response.IsSuccessStatusCode) lastReport[c] = (await response.Content.ReadFromJsonAsync<JsonObject>())!["reportId"]!.GetValue<string>();
                    }
                    break;
                case 2: response = await sellerClients[c].PostAsJsonAsync($"/api/cases/{cases[c]}/delivery", new { reportIds = new[] { lastReport[c] } }); break;
                case 3: response = await sellerClients[c].GetAsync($"/api/cases/{cases[c]}"); break;
                default: response = await buyers[c].PostAsJsonAsync($"/api/cases/{cases[c]}/acceptance", new { decision = "reject", reason = "Benchmark rejection" }); break;
            }
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await response.Content.LoadIntoBufferAsync();
        }, server.ProcessId);
    }

    /// <summary>The storage work of the same actions, straight to Azurite: point read, audit range query, batch, blob put.</summary>
    private static async Task<Result> RunRawAsync(StorageAccount account, int clients, TimeSpan duration)
    {
        var table = account.GetTableClient("benchraw" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateIfNotExistsAsync();
        var blobs = account.GetBlobContainerClient("benchraw" + Guid.NewGuid().ToString("N")[..8]);
        await blobs.CreateIfNotExistsAsync();
        var state = new string('s', 1500);
        var seq = new long[clients];
        for (var c = 0; c < clients; c++) await table.InsertAsync(new TableEntity($"case{c}", "snapshot") { ["State0"] = state, ["Version"] = 1L });
        var pdf = new byte[2048];

        async Task ReadAsync(int c)
        {
            await table.GetAsync($"case{c}", "snapshot");
            await foreach (var _ in table.QueryAsync($"PartitionKey eq 'case{c}' and RowKey ge 'audit-' and RowKey lt 'audit.'")) { }
        }

        async Task TransitionAsync(int c)
        {
            var snapshot = (await table.GetAsync($"case{c}", "snapshot"))!;
            var next = seq[c]++;
            await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity($"case{c}", "snapshot") { ["State0"] = state, ["Version"] = next }, snapshot.ETag),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity($"case{c}", $"audit-{next:D10}") { ["Action"] = "x", ["Hash"] = new string('h', 64), ["Data0"] = new string('d', 300) }),
            ]);
            await foreach (var _ in table.QueryAsync($"PartitionKey eq 'case{c}' and RowKey ge 'audit-' and RowKey lt 'audit.'")) { }
        }

        return await MeasureAsync(clients, duration, async (c, kind) =>
        {
            switch (kind)
            {
                case 0 or 3: await ReadAsync(c); break;
                case 1:
                    await blobs.UploadAsync($"case{c}/{Guid.NewGuid():N}", new MemoryStream(pdf), new BlobUploadOptions { ContentType = "application/pdf", IfNoneMatch = "*" });
                    await TransitionAsync(c);
                    break;
                default: await TransitionAsync(c); break;
            }
        });
    }
}

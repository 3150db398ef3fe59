extern alias server;

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Marketplace.Api.Hosting;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Marketplace.Core.Scheduling;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;
using Marketplace.Core.Work;
using Marketplace.FakeSeller;
using Marketplace.Storage.Work;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using server::Marketplace.Server.Scheduling;
using server::Marketplace.Server.Work;

namespace Marketplace.Benchmarks;

/// <summary>
/// <c>seller-calls</c>: (1) N newInstance calls queued as outbox messages on the work queue of a server composition
/// running in this process (the server's own worker, timer heap and outbox pump), each created, woken, signed, sent
/// over HTTP to a fake seller on 127.0.0.1, classified and recorded; reports calls/s and where the worker's time went.
/// (2) N calls to a failing seller, each failed once and waiting an hour for its next attempt; then the real server
/// (Release build) is started as a child process on that storage, loads the N deadlines, and its CPU time is
/// measured while it holds them.
/// </summary>
internal static class SellerCallsBenchmark
{
    public const string OptionsHelp = "[--calls 10000] [--waiting 10000] [--concurrency 32] [--idle-seconds 60] [--warmup 300]";

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = Int(args, "--calls", 10_000);
        var concurrency = Int(args, "--concurrency", 32);
        var idleSeconds = Int(args, "--idle-seconds", 60);
        var waiting = Int(args, "--waiting", calls);
        var warmup = Int(args, "--warmup", 300);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Storage__ConnectionString")))
        {
            Console.Error.WriteLine("Storage__ConnectionString is not set: run through scripts/bench.sh, which starts Azurite.");
            return 2;
        }

        var prefix = "bsc" + Guid.NewGuid().ToString("N")[..10];
        Console.WriteLine($"seller-calls: {calls} calls, worker concurrency {concurrency}, storage prefix {prefix}, {Environment.ProcessorCount} cores");

        int pending;
        using (var host = BuildHost(prefix, concurrency))
        {
            await host.StartAsync();
            await ThroughputAsync(host, calls, warmup);
            pending = await FillRetryWindowsAsync(host, waiting);
            await host.StopAsync();
        }

        await IdleAsync(prefix, pending, idleSeconds);
        return 0;
    }

    private static async Task ThroughputAsync(IHost host, int calls, int warmup)
    {
        await using var fake = await FakeSellerServer.StartAsync("placeholder");
        var (sellerId, productId) = await SellerAsync(host, fake, "Bench seller");
        var metrics = host.Services.GetRequiredService<SellerCallMetrics>();
        var queue = host.Services.GetRequiredService<IWorkQueue>();

        await RunBatchAsync(queue, metrics, sellerId, productId, "WARM", warmup, m => m.Succeeded);
        var before = metrics.Read();
        using var azurite = AzuriteProcess.Find();
        var az0 = azurite?.TotalProcessorTime;
        var self0 = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var enqueued = await RunBatchAsync(queue, metrics, sellerId, productId, "BENCH", calls, m => m.Succeeded);
        wall.Stop();
        azurite?.Refresh();
        var selfCpu = Process.GetCurrentProcess().TotalProcessorTime - self0;
        var d = Delta(metrics.Read(), before);

        var rate = calls / wall.Elapsed.TotalSeconds;
        var handler = d.Creating + d.Loading + d.Signing + d.Sending + d.Storing;
        Console.WriteLine();
        Console.WriteLine($"Throughput: {calls} newInstance calls in {wall.Elapsed.TotalSeconds:0.0} s = {rate:0} calls/s " +
                          $"(queuing the {calls} create messages took {enqueued.TotalSeconds:0.0} s of it)");
        Console.WriteLine($"  attempts {d.Attempts}, succeeded {d.Succeeded}, failed {d.Failed}; the fake seller received {fake.Requests.Count} requests");
        // Azurite is one Node.js process: when it is near 100% of a core, storage is the ceiling, not the worker.
        if (azurite is not null)
            Console.WriteLine($"  CPU: Azurite {100 * (azurite.TotalProcessorTime - az0!.Value) / wall.Elapsed:0}% of one core ({(azurite.TotalProcessorTime - az0.Value).TotalMilliseconds / calls:0.00} ms per call); " +
                              $"this process (worker, fake seller, enqueuing) {100 * selfCpu / wall.Elapsed:0}% ({selfCpu.TotalMilliseconds / calls:0.00} ms per call)");
        Console.WriteLine($"  worker time, summed over concurrent handlers ({handler.TotalSeconds:0.0} s, {handler.TotalMilliseconds / calls:0.0} ms per call):");
        Row("creating the call (load + insert)", d.Creating, handler, calls);
        Row("loading call and seller", d.Loading, handler, calls);
        Row("signing", d.Signing, handler, calls);
        Row("sending (HTTP round trip)", d.Sending, handler, calls);
        Row("storing the attempt", d.Storing, handler, calls);
        Console.WriteLine($"  storing overall (create + load + store): {Share(d.Creating + d.Loading + d.Storing, handler)}");
        Console.WriteLine($"  table size after the run: {calls + warmup} call partitions, ~{3 * (calls + warmup)} rows (snapshot + 2 audit entries each)");
    }

    /// <summary>N calls to a seller that always answers 000005: each fails once and waits (Backoff 1 h) in its window.</summary>
    private static async Task<int> FillRetryWindowsAsync(IHost host, int calls)
    {
        await using var fake = await FakeSellerServer.StartAsync("placeholder");
        fake.SetScenario(FakeScenario.FailAlways());
        var (sellerId, productId) = await SellerAsync(host, fake, "Failing seller");
        var metrics = host.Services.GetRequiredService<SellerCallMetrics>();
        var queue = host.Services.GetRequiredService<IWorkQueue>();
        var wall = Stopwatch.StartNew();
        await RunBatchAsync(queue, metrics, sellerId, productId, "WAIT", calls, m => m.Failed);
        // Each failure also wrote a notification through the outbox: let the queue drain before stopping.
        var work = host.Services.GetRequiredService<WorkQueueClient>();
        while (await work.Queue.ApproximateCountAsync() > 0) await Task.Delay(200);
        await Task.Delay(2000);
        Console.WriteLine();
        Console.WriteLine($"Filled: {calls} calls to a failing seller, each failed once and waits an hour for its next attempt ({wall.Elapsed.TotalSeconds:0.0} s, notifications included)");
        return calls;
    }

    private static async Task IdleAsync(string prefix, int pending, int idleSeconds)
    {
        var settings = new Dictionary<string, string>
        {
            ["DialTests__Enabled"] = "false",
            ["Logging__LogLevel__Marketplace.Server.Scheduling"] = "Information",
        };
        var started = Stopwatch.StartNew();
        await using var server = await ServerProcess.StartAsync(prefix, settings);
        var loaded = await server.WaitForLineAsync("Scheduler loaded", TimeSpan.FromMinutes(5));
        var startup = started.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(15)); // let start-up work (JIT and tier-1 recompiles, outbox recovery) finish

        var azurite = AzuriteProcess.Find();
        // In 10 s slices: start-up leftovers (outbox rows the fill phase left, tier-1 recompiles) show in the first
        // slices and then stop; the steady figure is the median slice.
        var slices = new List<double>();
        var totalCpu = TimeSpan.Zero;
        var az0 = azurite?.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var elapsed = 0; elapsed < idleSeconds; elapsed += 10)
        {
            var cpu0 = server.CpuTime();
            var slice = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(10));
            var cpu = server.CpuTime() - cpu0;
            totalCpu += cpu;
            slices.Add(100 * cpu / slice.Elapsed);
        }

        azurite?.Refresh();
        var az = azurite is null ? (TimeSpan?)null : azurite.TotalProcessorTime - az0!.Value;
        wall.Stop();
        var median = slices.Order().ElementAt(slices.Count / 2);

        Console.WriteLine();
        Console.WriteLine($"Idle: the server (pid {server.ProcessId}, Release) started on the storage holding {pending} waiting calls: \"{loaded.Trim()}\", healthy and loaded in {startup.TotalSeconds:0.0} s");
        Console.WriteLine($"  server CPU per 10 s slice (% of one core): {string.Join(", ", slices.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"  server CPU over {wall.Elapsed.TotalSeconds:0.0} s idle: {totalCpu.TotalMilliseconds:0} ms = {100 * totalCpu / wall.Elapsed:0.00}% of one core, median slice {median:0.00}% (target < 2%); working set {server.WorkingSetMb:0} MB");
        if (az is { } a) Console.WriteLine($"  Azurite CPU over the same time (the server's idle queue receives included): {a.TotalMilliseconds:0} ms = {100 * a / wall.Elapsed:0.00}% of one core");
    }

    private static async Task<(string SellerId, string ProductId)> SellerAsync(IHost host, FakeSellerServer fake, string name)
    {
        var catalogue = host.Services.GetRequiredService<CatalogueService>();
        var registered = await catalogue.RegisterSellerAsync(new Actor("ops-bench", Role.Ops), name, fake.ProductionUrl.AbsoluteUri, null, default);
        fake.SetAccessKeys(registered.AccessKey);
        fake.SetKitKeys(registered.KitKey);
        var product = await catalogue.CreateProductAsync(new Actor(registered.SellerId, Role.Seller), name + " SaaS", "saas", "period", null, default);
        return (registered.SellerId, product.ProductId);
    }

    /// <summary>Queues <paramref name="count"/> create messages (16 senders) and waits until the counter moved by as many.</summary>
    private static async Task<TimeSpan> RunBatchAsync(IWorkQueue queue, SellerCallMetrics metrics, string sellerId, string productId, string tag, int count,
        Func<SellerCallMetrics.Snapshot, long> counter)
    {
        var start = counter(metrics.Read());
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var orderId = $"{tag}{i.ToString("D6", CultureInfo.InvariantCulture)}{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}";
            var message = CreateSellerCallMessage.For(sellerId, productId, SellerRequest.NewInstance(orderId, orderId + "-000001", null), null, null);
            var outbox = new OutboxMessage("0000000001-000001-00", SellerCallService.CreateTopic, JsonSerializer.Serialize(message, CoreJson.Options));
            await queue.EnqueueAsync(WorkItem.ForOutbox("bench", orderId, outbox), ct);
        });
        var enqueued = sw.Elapsed;
        var last = DateTime.UtcNow;
        var lastCount = 0L;
        while (counter(metrics.Read()) - start < count)
        {
            await Task.Delay(100);
            var done = counter(metrics.Read()) - start;
            if (done != lastCount)
            {
                lastCount = done;
                last = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - last > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{tag}: stuck at {done} of {count} calls.");
            }

            if (sw.Elapsed.TotalSeconds % 10 < 0.1) Console.WriteLine($"  {tag}: {done}/{count} after {sw.Elapsed.TotalSeconds:0} s");
        }

        return enqueued;
    }

    private static IHost BuildHost(string prefix, int concurrency)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Prefix"] = prefix,
            // Production settings are validated at start-up; no person signs in during the benchmark.
            ["Auth:Authority"] = "https://login.example.invalid/bench/v2.0",
            ["Auth:Audience"] = "api://marketplace-bench",
            ["SellerCalls:AllowInsecureUrls"] = "true", // the fake seller listens on 127.0.0.1 over http
            ["SellerCalls:Backoff"] = "01:00:00",
            ["DialTests:Enabled"] = "false",
            ["Worker:Concurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning", // one notification log line per failed call would cost more than the call
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMarketplace(builder.Configuration, builder.Environment);
        // The standalone server's drivers, as its Program.cs registers them (no cron timers: nothing here is due by the clock).
        builder.Services.AddOptions<WorkerOptions>().Bind(builder.Configuration.GetSection(WorkerOptions.Section));
        builder.Services.AddSingleton<TimerHeapScheduler>();
        builder.Services.AddSingleton<IScheduler>(sp => sp.GetRequiredService<TimerHeapScheduler>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerHeapScheduler>());
        builder.Services.AddSingleton<OutboxPump>();
        builder.Services.AddSingleton<IOutboxDispatcher>(sp => sp.GetRequiredService<OutboxPump>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxPump>());
        builder.Services.AddHostedService<QueueWorker>();
        return builder.Build();
    }

    private static SellerCallMetrics.Snapshot Delta(SellerCallMetrics.Snapshot a, SellerCallMetrics.Snapshot b) => new(
        a.Created - b.Created, a.Attempts - b.Attempts, a.Succeeded - b.Succeeded, a.Failed - b.Failed,
        a.Creating - b.Creating, a.Loading - b.Loading, a.Signing - b.Signing, a.Sending - b.Sending, a.Storing - b.Storing);

    private static void Row(string what, TimeSpan time, TimeSpan total, int calls) =>
        Console.WriteLine($"    {what,-36} {Share(time, total),6}  {time.TotalMilliseconds / calls,8:0.000} ms per call");

    private static string Share(TimeSpan part, TimeSpan total) => total > TimeSpan.Zero ? $"{100 * part / total:0.0}%" : "-";

    private static int Int(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
    }

    /// <summary>The Release server as a child process (its stdout kept for start-up lines), like the tests' ServerProcess.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];

        private ServerProcess(Process process) => _process = process;

        public int ProcessId => _process.Id;

        public double WorkingSetMb
        {
            get
            {
                _process.Refresh();
                return _process.WorkingSet64 / 1048576.0;
            }
        }

        public TimeSpan CpuTime()
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }

        public static async Task<ServerProcess> StartAsync(string prefix, IDictionary<string, string> settings)
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Marketplace.Functions.sln"))) root = root.Parent;
            var dll = Path.Combine(root!.FullName, "functions", "Marketplace.Server", "bin", "Release", "net10.0", "Marketplace.Server.dll");
            var port = FreePort();
            var psi = new ProcessStartInfo("dotnet", $"\"{dll}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            psi.Environment["Storage__ConnectionString"] = Environment.GetEnvironmentVariable("Storage__ConnectionString");
            psi.Environment["Storage__Prefix"] = prefix;
            psi.Environment["Logging__LogLevel__Default"] = "Warning";
            foreach (var (k, v) in settings) psi.Environment[k] = v;
            var server = new ServerProcess(Process.Start(psi)!);
            server._process.OutputDataReceived += (_, e) => server.Add(e.Data);
            server._process.ErrorDataReceived += (_, e) => server.Add(e.Data);
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            for (var i = 0; i < 600; i++)
            {
                try
                {
                    if ((await client.GetAsync("/api/health")).IsSuccessStatusCode) return server;
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(100);
            }

            throw new TimeoutException("The server did not become healthy:\n" + server.Output);
        }

        public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < until)
            {
                lock (_lines)
                {
                    var index = _lines.FindIndex(l => l.Contains(text, StringComparison.Ordinal));
                    if (index >= 0) return _lines[index];
                }

                await Task.Delay(100);
            }

            throw new TimeoutException($"No line with '{text}':\n{Output}");
        }

        private string Output
        {
            get
            {
                lock (_lines) return string.Join('\n', _lines);
            }
        }

        private void Add(string? line)
        {
            if (line is null) return;
            lock (_lines) _lines.Add(line);
        }

        private static int FreePort()
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            _process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Marketplace.Soak;

/// <summary>
/// The server under test: the Release build of Marketplace.Server as a child process on one loopback port and one storage
/// prefix. <see cref="KillAsync"/> is a SIGKILL (no shutdown hooks, as a crash); <see cref="StartAsync"/> starts it again on
/// the same port and storage. Requests wait in <see cref="WaitUpAsync"/> while it is down; every kill is remembered so a
/// request that spanned one is known to have lost its answer to the kill.
/// </summary>
internal sealed class ServerHost : IAsyncDisposable
{
    /// <summary>Short windows so that every flow finishes within the soak (the server runs on real time).</summary>
    public static readonly TimeSpan StallWindow = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan RetryWindow = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan IngestWindow = TimeSpan.FromSeconds(10);

    private readonly string _dll;
    private readonly Dictionary<string, string> _environment;
    private readonly StreamWriter _log;
    private readonly object _gate = new();
    private readonly List<(DateTimeOffset Signal, DateTimeOffset Exit)> _kills = [];
    private Process? _process;
    private TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _killCount;
    private int _recoveries;
    private int _starts;

    public ServerHost(string connectionString, string prefix, string logPath)
    {
        _dll = ServerDll();
        Port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{Port}");
        _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        _environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = BaseUrl.ToString().TrimEnd('/'),
            ["Storage__ConnectionString"] = connectionString,
            ["Storage__Prefix"] = prefix,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Logging__Console__LogToStandardErrorThreshold"] = "Warning",
            ["Supervision__StallWindow"] = Format(StallWindow),
            ["SellerCalls__RetryWindow"] = Format(RetryWindow),
            ["SellerCalls__Backoff"] = "00:00:02,00:00:04,00:00:08",
            ["SellerCalls__Timeout"] = "00:00:03",
            ["SellerCalls__QueryPollInterval"] = "00:00:02",
            ["Worker__Lease"] = "00:00:15",
            ["Billing__HourlySchedule"] = "off",
            ["Billing__DailySchedule"] = "off",
            ["Billing__RetentionSchedule"] = "off",
            ["Billing__IngestWindow"] = Format(IngestWindow),
            ["Billing__RunLease"] = "00:00:25",
            ["DialTests__Enabled"] = "false",
        };
    }

    public int Port { get; }
    public Uri BaseUrl { get; }
    public int Kills => Volatile.Read(ref _killCount);
    public int Recoveries => Volatile.Read(ref _recoveries);
    public TimeSpan LongestRecovery { get; private set; }
    public bool IsUp => _up.Task.IsCompletedSuccessfully;

    /// <summary>The settings the server runs with (printed at the start of the soak).</summary>
    public IEnumerable<string> Settings => _environment.Where(e => !e.Key.StartsWith("Storage__Conn", StringComparison.Ordinal) && !e.Key.StartsWith("Logging", StringComparison.Ordinal))
        .Select(e => $"{e.Key.Replace("__", ":", StringComparison.Ordinal)}={e.Value}");

    /// <summary>Completes when the server answers its health check (at once while it is up).</summary>
    public Task WaitUpAsync(CancellationToken ct)
    {
        lock (_gate) return _up.Task.WaitAsync(ct);
    }

    /// <summary>Whether a kill happened in [from, to]: a request that spanned it lost its answer to the kill.</summary>
    public bool KilledBetween(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate) return _kills.Any(k => from <= k.Exit && to >= k.Signal);
    }

    /// <summary>Starts the server and waits until it is healthy; a start that fails is retried (and reported by the caller).</summary>
    public async Task<TimeSpan> StartAsync(CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var process = Launch();
        using var health = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited) throw new InvalidOperationException($"the server exited during start-up with code {process.ExitCode} (see the server log)");
            if (DateTime.UtcNow > until) throw new TimeoutException("the server did not become healthy within 2 minutes");
            try
            {
                using var response = await health.GetAsync("/api/health", ct);
                if (response.StatusCode == HttpStatusCode.OK) break;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }

            await Task.Delay(100, ct);
        }

        lock (_gate)
        {
            if (Interlocked.Increment(ref _starts) > 1) _recoveries++;
            _up.TrySetResult();
        }

        if (started.Elapsed > LongestRecovery) LongestRecovery = started.Elapsed;
        return started.Elapsed;
    }

    /// <summary>SIGKILL: the process dies at once, mid-request, mid-transaction, mid-call.</summary>
    public void Kill()
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
            if (_up.Task.IsCompleted) _up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _kills.Add((DateTimeOffset.UtcNow, DateTimeOffset.MaxValue));
            _killCount++;
        }

        if (process is { HasExited: false }) process.Kill(entireProcessTree: true);
        process?.WaitForExit();
        lock (_gate) _kills[^1] = (_kills[^1].Signal, DateTimeOffset.UtcNow); // from the signal to the process's end
        _log.WriteLine($"--- {DateTimeOffset.UtcNow:O} SIGKILL pid {process?.Id}");
    }

    private Process Launch()
    {
        var psi = new ProcessStartInfo("dotnet", $"\"{_dll}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(_dll)!,
        };
        foreach (var (k, v) in _environment) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the server");
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _log.WriteLine($"--- {DateTimeOffset.UtcNow:O} started pid {process.Id}");
        lock (_gate) _process = process;
        return process;
    }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_log) _log.WriteLine(line);
    }

    public ValueTask DisposeAsync()
    {
        Process? process;
        lock (_gate) process = _process;
        if (process is { HasExited: false }) process.Kill(entireProcessTree: true);
        process?.WaitForExit();
        process?.Dispose();
        lock (_log) _log.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Format(TimeSpan t) => t.ToString("c", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The server's Release build beside this tool's (same configuration), with its own runtimeconfig and deps.</summary>
    private static string ServerDll()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // .../bin/Release/net10.0
        var (tfm, configuration) = (bin.Name, bin.Parent!.Name);
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Marketplace.Functions.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("Cannot find the repository root from " + AppContext.BaseDirectory);
        var dll = Path.Combine(root.FullName, "functions", "Marketplace.Server", "bin", configuration, tfm, "Marketplace.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the server first (scripts/soak.sh does): " + dll);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Marketplace.Server.Tests.Infrastructure;

/// <summary>
/// The real server as a separate process on a free loopback port, for tests that kill it (SIGKILL) and start it
/// again on the same storage. Output is kept for the failure message.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>The server's process id (memory measurements).</summary>
    public int ProcessId => _process.Id;
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    public static async Task<ServerProcess> StartAsync(string prefix, IDictionary<string, string?>? settings = null, int? port = null)
    {
        var dll = ServerDll();
        var baseUrl = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var psi = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/');
        psi.Environment["Storage__ConnectionString"] = TestStorage.ConnectionString;
        psi.Environment["Storage__Prefix"] = prefix;
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) psi.Environment[k.Replace(":", "__")] = v;
        var process = Process.Start(psi)!;
        var server = new ServerProcess(process, baseUrl);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        return server;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseUrl };

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var client = CreateClient();
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The server exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await client.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The server did not become healthy within {timeout}:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, as a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>The server as built beside the tests (same configuration), with its own runtimeconfig and deps.</summary>
    private static string ServerDll()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // .../bin/Debug/net10.0
        var (tfm, configuration) = (bin.Name, bin.Parent!.Name);
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Marketplace.Functions.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("Cannot find the repository root from " + AppContext.BaseDirectory);
        return Path.Combine(root.FullName, "functions", "Marketplace.Server", "bin", configuration, tfm, "Marketplace.Server.dll");
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Marketplace.Benchmarks;

/// <summary>The real server (Release build) as a child process on a free loopback port, against the bench's Azurite.</summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    private readonly Process _process;

    private ServerUnderTest(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }
    public int ProcessId => _process.Id;

    public static async Task<ServerUnderTest> StartAsync(string prefix, IDictionary<string, string>? settings = null)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Marketplace.Functions.sln"))) root = root.Parent;
        var dll = Path.Combine(root!.FullName, "functions", "Marketplace.Server", "bin", "Release", "net10.0", "Marketplace.Server.dll");
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var psi = new ProcessStartInfo("dotnet", $"\"{dll}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        psi.Environment["Storage__ConnectionString"] = Environment.GetEnvironmentVariable("Storage__ConnectionString");
        psi.Environment["Storage__Prefix"] = prefix;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerUnderTest(process, new Uri($"http://127.0.0.1:{port}"));
        using var client = server.Client();
        for (var i = 0; i < 300; i++)
        {
            try { if ((await client.GetAsync("/api/health")).IsSuccessStatusCode) return server; }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("The server did not become healthy.");
    }

    public HttpClient Client() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = BaseUrl };

    public async Task<HttpClient> ClientAsAsync(string subject, string role)
    {
        var client = Client();
        var token = await (await client.PostAsJsonAsync("/api/dev/tokens", new { subject, roles = new[] { role } })).Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!["token"]!.GetValue<string>());
        return client;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

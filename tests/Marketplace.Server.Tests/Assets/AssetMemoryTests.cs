using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Marketplace.Server.Tests.Assets;

/// <summary>
/// A 200 MB package goes through the real server (Kestrel, a separate process) into Blob storage and through the scan
/// while the server's working set is sampled: it stays flat (the bytes stream; nothing holds the file in memory).
/// </summary>
public sealed class AssetMemoryTests(ITestOutputHelper output)
{
    private const long PackageBytes = 200L * 1024 * 1024;
    private const long AllowedGrowth = 120L * 1024 * 1024;

    [Fact]
    public async Task A_200_MB_package_streams_through_upload_and_scan_with_flat_memory()
    {
        var package = Path.Combine(Path.GetTempPath(), $"mkp-200mb-{Guid.NewGuid():N}.zip");
        var scratch = package + ".scratch";
        try
        {
            WritePackage(package, PackageBytes);
            await using var server = await ServerProcess.StartAsync(TestStorage.NewPrefix(), new Dictionary<string, string?>
            {
                ["Assets:TempPath"] = scratch,
                ["Logging:LogLevel:Default"] = "Warning",
            });
            var m = await Market.OpenAsync((subject, role) => ClientAsAsync(server, subject, role));

            // Warm up (JIT, pools, connections) with a small package, then take the baseline.
            var warm = await UploadAsync(m.Seller, "warm-up.zip", new MemoryStream(SmallZip()));
            await ScannedAsync(m, warm);
            using var process = Process.GetProcessById(server.ProcessId);
            process.Refresh();
            var baseline = process.WorkingSet64;

            long peak = baseline;
            using var stop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    process.Refresh();
                    peak = Math.Max(peak, process.WorkingSet64);
                    await Task.Delay(25);
                }
            });

            var clock = Stopwatch.StartNew();
            string assetId;
            await using (var file = File.OpenRead(package))
                assetId = await UploadAsync(m.Seller, "big-package-200mb.zip", file);
            var uploaded = clock.Elapsed;
            var scanned = await ScannedAsync(m, assetId, TimeSpan.FromMinutes(3));
            var total = clock.Elapsed;
            await stop.CancelAsync();
            await sampler;

            Assert.Equal("Approved", scanned["status"]!.GetValue<string>());
            Assert.Equal(new FileInfo(package).Length, scanned["file"]!["size"]!.GetValue<long>());
            Assert.Empty(Directory.GetFiles(scratch)); // the scan's scratch copy is gone
            var report = $"200 MB package: working set baseline {baseline / 1048576.0:F0} MiB, peak {peak / 1048576.0:F0} MiB " +
                         $"(+{(peak - baseline) / 1048576.0:F0} MiB); upload {uploaded.TotalSeconds:F1} s, upload + scan {total.TotalSeconds:F1} s";
            output.WriteLine(report);
            Console.WriteLine(report);
            Assert.True(peak - baseline < AllowedGrowth, report);
        }
        finally
        {
            File.Delete(package);
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>20 stored (uncompressed) entries of 10 MB of pseudo-random bytes.</summary>
    private static void WritePackage(string path, long bytes)
    {
        var random = new Random(42);
        var chunk = new byte[1024 * 1024];
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        const int entrySize = 10 * 1024 * 1024;
        for (var e = 0; e < bytes / entrySize; e++)
        {
            using var s = zip.CreateEntry($"data/part-{e:D2}.bin", CompressionLevel.NoCompression).Open();
            for (var i = 0; i < entrySize / chunk.Length; i++)
            {
                random.NextBytes(chunk);
                s.Write(chunk);
            }
        }
    }

    private static byte[] SmallZip()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        using (var s = zip.CreateEntry("a.txt").Open()) s.Write("warm"u8);
        return ms.ToArray();
    }

    private static async Task<string> UploadAsync(HttpClient seller, string fileName, Stream content)
    {
        using var body = new StreamContent(content, 1 << 16);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        var created = await (await seller.PutAsync($"/api/assets/{fileName}?type=softwarePackage", body)).JsonAsync(201);
        return created["assetId"]!.GetValue<string>();
    }

    private static Task<JsonObject> ScannedAsync(Market m, string assetId, TimeSpan? timeout = null) =>
        Market.EventuallyAsync(async () => await (await m.Seller.GetAsync($"/api/assets/{assetId}")).JsonAsync(),
            a => a["status"]!.GetValue<string>() is "Approved" or "Rejected", timeout, $"the scan of {assetId}");

    private static async Task<HttpClient> ClientAsAsync(ServerProcess server, string subject, string role)
    {
        var client = server.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(5);
        var token = (await (await client.PostAsJsonAsync("/api/dev/tokens", new { subject, roles = new[] { role } })).JsonAsync())["token"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

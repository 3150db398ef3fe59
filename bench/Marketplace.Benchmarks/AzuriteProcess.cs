using System.Diagnostics;

namespace Marketplace.Benchmarks;

/// <summary>The Azurite process of the bench run, so a benchmark can read its CPU time.</summary>
internal static class AzuriteProcess
{
    /// <summary>The Azurite that serves the connection string's table port, found by its command line (Linux).</summary>
    public static Process? Find()
    {
        var cs = Environment.GetEnvironmentVariable("Storage__ConnectionString") ?? "";
        var port = cs.Split(';').FirstOrDefault(p => p.StartsWith("TableEndpoint=", StringComparison.Ordinal))?.Split(':').LastOrDefault()?.Split('/')[0];
        if (port is null || !Directory.Exists("/proc")) return null;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmd = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmd.Contains("azurite", StringComparison.Ordinal) && cmd.Contains($"--tablePort {port}", StringComparison.Ordinal))
                    return Process.GetProcessById(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            catch (ArgumentException)
            {
            }
        }

        return null;
    }
}

namespace Marketplace.Server.Tests.Infrastructure;

/// <summary>The Azurite the test command started (scripts/test.sh exports its connection string).</summary>
public static class TestStorage
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("Storage__ConnectionString") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("Storage__ConnectionString is not set: run the tests through scripts/test.sh, which starts Azurite.");

    /// <summary>A fresh table/queue prefix, so each test server has its own data in the shared Azurite.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12];
}

using Marketplace.Core.Timers;
using Marketplace.Storage.Tables;

namespace Marketplace.Storage.Timers;

/// <summary>The last completed occurrence of each cron job, one row per job.</summary>
public sealed class TableCronStateStore(TableProvisioner tables) : ICronStateStore
{
    private const string Table = "cron";

    public async Task<DateTimeOffset?> LastRunAsync(string job, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct);
        return (await table.GetAsync("jobs", job, cancellationToken: ct))?.GetDateTimeOffset("LastRun");
    }

    public async Task SaveLastRunAsync(string job, DateTimeOffset occurrence, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct);
        await table.UpsertAsync(new TableEntity("jobs", job) { ["LastRun"] = occurrence }, TableUpdateMode.Replace, ct);
    }
}

using System.Globalization;
using System.Text.Json;
using Marketplace.Core.Metering;
using Marketplace.Storage.Tables;

namespace Marketplace.Storage.Metering;

/// <summary>
/// Bills and bill-run state on Azure Tables. Bills (<c>usagebills</c>) are inserted, never replaced: a conflict means the
/// bill is sealed already and the stored one is kept. An instance's late-record cursor shares the partition of its bills and
/// moves in the same transaction as the bill that takes the late records. The run state (<c>usageruns</c>) is one row per
/// granularity; its ETag is the run lease.
/// </summary>
public sealed class TableBillLedger(TableProvisioner tables) : IBillLedger
{
    private const int MaxBatch = 100;

    public async Task<BillRunState> ReadRunStateAsync(BillingGranularity granularity, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.RunTable, ct);
        var row = await table.GetAsync(UsageKeys.RunPartition, UsageKeys.GranularityName(granularity), cancellationToken: ct);
        return (row is null ? null : ReadRunState(row)) ?? new BillRunState(granularity, null, null, null, null, null, null);
    }

    public async Task<BillRunState?> TryStartRunAsync(BillingGranularity granularity, DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.RunTable, ct);
        var current = await ReadRunStateAsync(granularity, ct);
        if (current.IsRunning(now, lease)) return null;
        var started = current with { RunningSince = now };
        try
        {
            var etag = current.ETag is null
                ? await table.InsertAsync(RunRow(started), ct)
                : await table.ReplaceAsync(RunRow(started), current.ETag, ct);
            return started with { ETag = etag };
        }
        catch (StorageException e) when (e.Status is 409 or 412)
        {
            return null; // another run took the lease first
        }
    }

    public async Task<bool> FinishRunAsync(BillRunState started, DateTimeOffset? sealedThrough, DateTimeOffset? cutoff, DateTimeOffset? lateLowWater, DateTimeOffset finishedAt, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.RunTable, ct);
        var finished = started with
        {
            SealedThrough = sealedThrough, Cutoff = cutoff, LateLowWater = lateLowWater, RunningSince = null, LastRunAt = finishedAt,
        };
        try
        {
            await table.ReplaceAsync(RunRow(finished), started.ETag ?? "*", ct);
            return true;
        }
        catch (StoragePreconditionFailedException)
        {
            return false;
        }
    }

    public async Task<DateTimeOffset?> LateCursorAsync(string instanceId, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.BillTable, ct);
        var row = await table.GetAsync(UsageKeys.BillPartitionKey(instanceId), UsageKeys.BillCursorRowKey, cancellationToken: ct);
        return row?.GetInt64("LateTo") is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }

    public async Task<StoredBill?> GetBillAsync(string instanceId, BillingGranularity granularity, DateTimeOffset periodStartUtc, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.BillTable, ct);
        var row = await table.GetAsync(UsageKeys.BillPartitionKey(instanceId), UsageKeys.BillRowKey(granularity, periodStartUtc), cancellationToken: ct);
        return row is null ? null : ReadBill(row) is { } bill && bill.Bill.InstanceId == instanceId ? bill : null;
    }

    public async Task<StoredBill?> FindBillAsync(string billId, CancellationToken ct)
    {
        if (!UsageKeys.TryParseBillId(billId, out var address, out _, out _)) return null;
        var table = await tables.GetAsync(UsageKeys.BillTable, ct);
        var row = await table.GetAsync(address.PartitionKey, address.RowKey, cancellationToken: ct);
        return row is null ? null : ReadBill(row) is { } bill && bill.Bill.BillId == billId ? bill : null;
    }

    public async Task<IReadOnlyList<StoredBill>> WriteBillsAsync(string instanceId, IReadOnlyList<StoredBill> bills, DateTimeOffset? lateTo, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.BillTable, ct);
        var partition = UsageKeys.BillPartitionKey(instanceId);
        var result = new List<StoredBill>(bills.Count);
        var first = true;
        foreach (var chunk in bills.Chunk(MaxBatch - 1))
        {
            var actions = chunk.Select(b => new TableTransactionAction(TableTransactionActionType.Add, BillRow(partition, b))).ToList();
            var cursor = first && lateTo is { } to ? CursorRow(partition, to) : null;
            if (cursor is not null) actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, cursor));
            try
            {
                await table.SubmitTransactionAsync(actions, ct);
                result.AddRange(chunk);
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // Some of these bills are sealed already (an interrupted run): keep those, insert the others one by one.
                for (var i = 0; i < chunk.Length; i++)
                {
                    var single = new List<TableTransactionAction> { actions[i] };
                    if (i == 0 && cursor is not null) single.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, cursor));
                    try
                    {
                        await table.SubmitTransactionAsync(single, ct);
                        result.Add(chunk[i]);
                    }
                    catch (TableTransactionFailedException inner) when (inner.Status == 409)
                    {
                        var stored = await GetBillAsync(instanceId, chunk[i].Bill.Granularity, chunk[i].Bill.PeriodStart, ct)
                                     ?? throw new InvalidOperationException($"Bill {chunk[i].Bill.BillId} conflicted but cannot be read.");
                        result.Add(stored);
                    }
                }
            }

            first = false;
        }

        return result;
    }

    public async Task<IReadOnlyList<StoredBill>> ListBillsAsync(string instanceId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.BillTable, ct);
        var filter = TableFilter.And(
            TableFilter.Equal("PartitionKey", UsageKeys.BillPartitionKey(instanceId)),
            TableFilter.Create($"RowKey ge {UsageKeys.BillRowKeyBound(from)} and RowKey lt {UsageKeys.BillRowKeyBound(to)}"));
        var result = new List<StoredBill>();
        await foreach (var row in table.QueryAsync(filter, cancellationToken: ct))
        {
            if (ReadBill(row) is { } bill && bill.Bill.InstanceId == instanceId && bill.Bill.PeriodStart >= from && bill.Bill.PeriodStart < to) result.Add(bill);
        }

        return result.OrderBy(b => b.Bill.PeriodStart).ToList();
    }

    internal static BillRunState? ReadRunState(TableEntity row)
    {
        var granularity = row.RowKey switch
        {
            "hour" => BillingGranularity.Hour,
            "day" => BillingGranularity.Day,
            _ => (BillingGranularity?)null,
        };
        if (granularity is null) return null;
        return new BillRunState(granularity.Value, Ticks(row, "SealedThrough"), Ticks(row, "Cutoff"), Ticks(row, "LateLowWater"),
            Ticks(row, "RunningSince"), Ticks(row, "LastRunAt"), row.ETag);
    }

    private static TableEntity RunRow(BillRunState state)
    {
        var row = new TableEntity(UsageKeys.RunPartition, UsageKeys.GranularityName(state.Granularity), 5);
        void Set(string name, DateTimeOffset? value)
        {
            if (value is { } v) row[name] = v.UtcTicks;
        }

        Set("SealedThrough", state.SealedThrough);
        Set("Cutoff", state.Cutoff);
        Set("LateLowWater", state.LateLowWater);
        Set("RunningSince", state.RunningSince);
        Set("LastRunAt", state.LastRunAt);
        return row;
    }

    private static DateTimeOffset? Ticks(TableEntity row, string name) =>
        row.GetInt64(name) is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    private static TableEntity CursorRow(string partition, DateTimeOffset lateTo) =>
        new(partition, UsageKeys.BillCursorRowKey, 1) { ["LateTo"] = lateTo.UtcTicks };

    private sealed record LateRow(string B, string E, string Rt, string V, string Sn, string? Pkg);

    private static TableEntity BillRow(string partition, StoredBill stored)
    {
        var b = stored.Bill;
        var row = new TableEntity(partition, UsageKeys.BillRowKey(b.Granularity, b.PeriodStart), 16)
        {
            ["BillId"] = b.BillId,
            ["I"] = b.InstanceId,
            ["Seller"] = b.SellerId,
            ["Buyer"] = b.BuyerId,
            ["G"] = UsageKeys.GranularityName(b.Granularity),
            ["Start"] = b.PeriodStart,
            ["End"] = b.PeriodEnd,
            ["Label"] = b.PeriodLabel,
            ["Total"] = UsageEntities.FormatValue(b.UsageTotal),
            ["Count"] = b.RecordCount,
            ["LateCount"] = b.LateRecordCount,
            ["Sha256"] = b.Sha256,
            ["SealedAt"] = b.SealedAt,
            ["Cutoff"] = stored.Cutoff.UtcTicks,
        };
        if (stored.LateRecords.Count > 0)
        {
            var late = stored.LateRecords.Select(r => new LateRow(UsageTime.ToText(r.BeginUtc), UsageTime.ToText(r.EndUtc),
                UsageTime.ToText(r.RecordTimeUtc), UsageEntities.FormatValue(r.Value), r.MeteringSn, r.RelatePkgInstance)).ToList();
            ChunkedText.Write(row, "LateRecords", JsonSerializer.Serialize(late));
        }

        return row;
    }

    private static StoredBill? ReadBill(TableEntity row)
    {
        if (row.GetString("BillId") is not { } billId || row.GetString("I") is not { } instanceId) return null;
        var granularity = row.GetString("G") == "day" ? BillingGranularity.Day : BillingGranularity.Hour;
        var bill = new Bill(billId, instanceId, row.GetString("Seller") ?? "", row.GetString("Buyer") ?? "", granularity,
            row.GetDateTimeOffset("Start") ?? default, row.GetDateTimeOffset("End") ?? default, row.GetString("Label") ?? "",
            decimal.Parse(row.GetString("Total") ?? "0", NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
            row.GetInt32("Count") ?? 0, row.GetInt32("LateCount") ?? 0, row.GetString("Sha256") ?? "", row.GetDateTimeOffset("SealedAt") ?? default);
        var late = new List<UsageRecord>();
        if (ChunkedText.Read(row, "LateRecords") is { } json)
        {
            foreach (var r in JsonSerializer.Deserialize<List<LateRow>>(json) ?? [])
            {
                UsageTime.TryParse(r.B, out var begin);
                UsageTime.TryParse(r.E, out var end);
                UsageTime.TryParse(r.Rt, out var recordTime);
                late.Add(new UsageRecord(instanceId, begin, end, recordTime,
                    decimal.Parse(r.V, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture), r.Sn, r.Pkg));
            }
        }

        return new StoredBill(bill, new DateTimeOffset(row.GetInt64("Cutoff") ?? 0, TimeSpan.Zero), late);
    }
}

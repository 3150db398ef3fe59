using System.Collections.Concurrent;
using System.Globalization;
using Marketplace.Core.Metering;
using Marketplace.Storage.Tables;
using Microsoft.Extensions.Options;

namespace Marketplace.Storage.Metering;

/// <summary>
/// The usage ledger on Azure Tables (layout: <see cref="UsageKeys"/>). Writes are inserts in entity-group transactions of at
/// most 100 operations on one partition; a transaction refused because one of its rows exists is split: the rows that exist
/// are found with one read, reported, and the others resubmitted, so they still land. Reads of a period are one row-key
/// range of one partition with <c>$select</c>.
/// </summary>
public sealed class TableUsageLedger(StorageAccount account, TableProvisioner tables, IOptions<MeteringOptions> options) : IUsageLedger
{
    private const int MaxBatch = 100;
    private const int WriteParallelism = 8;
    private const int KeysPerQuery = 14; // Azure allows 15 comparisons per filter: PartitionKey plus 14 row keys
    private const int ActivityCacheLimit = 200_000;
    private readonly ConcurrentDictionary<(DateOnly Day, string Instance), byte> _active = new();

    private TimeZoneInfo Zone => options.Value.ResolveTimeZone();

    public async Task<bool> TryClaimNonceAsync(string sellerId, string nonce, DateTimeOffset ts, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.NonceTableName(ts), ct);
        try
        {
            await table.InsertAsync(new TableEntity(UsageKeys.EscapeKey(sellerId), nonce, 1) { ["Ts"] = ts }, ct);
            return true;
        }
        catch (StorageConflictException)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<BillRunState>> ReadRunStatesAsync(CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.RunTable, ct);
        var states = new List<BillRunState>();
        await foreach (var row in table.QueryAsync(TableFilter.Equal("PartitionKey", UsageKeys.RunPartition), cancellationToken: ct))
        {
            if (TableBillLedger.ReadRunState(row) is { } state) states.Add(state);
        }

        return states;
    }

    public async Task<IReadOnlyList<LedgerOutcome>> WriteAsync(string sellerId, IReadOnlyList<LedgerRecord> records, DateTimeOffset arrivedAt, CancellationToken ct)
    {
        var zone = Zone;
        var window = options.Value.IngestWindow;
        var items = records.Select((r, i) => new Item(i, r, UsageKeys.BillingDayOf(r.Record.BeginUtc, zone), zone, sellerId)).ToList();

        // 1. Activity first: a record row must never exist for a (day, instance) the bill runs cannot find.
        await MarkActiveAsync(items, ct);

        // 2. Claim each metering_sn (code 005). A claim that exists is judged (SnClaims.Judge).
        var claimGroups = items.GroupBy(x => (x.Claim.Table, x.Claim.PartitionKey)).SelectMany(g => g.Chunk(MaxBatch)).ToList();
        await Parallel.ForEachAsync(claimGroups, Fanout(ct), async (chunk, token) =>
            await ClaimAsync(chunk, arrivedAt, window, token));

        var claimed = items.Where(x => x.State is ItemState.Claimed or ItemState.Adopted).ToList();

        // 3. File the late candidates before their record rows (a row without its late entry could be missed).
        var late = claimed.Where(x => x.Record.LateCandidate).Select(x => UsageEntities.Late(x.Record.Granularity, x.Record.Record, arrivedAt)).ToList();
        if (late.Count > 0)
        {
            var lateTable = await tables.GetAsync(UsageKeys.LateTable, ct);
            foreach (var chunk in late.GroupBy(e => e.PartitionKey).SelectMany(g => g.Chunk(MaxBatch)))
            {
                await lateTable.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)).ToList(), ct);
            }
        }

        // 4. The record rows (code 010): one transaction per partition and 100 rows.
        var recordGroups = claimed.GroupBy(x => (x.Address.Table, x.Address.PartitionKey)).SelectMany(g => g.Chunk(MaxBatch)).ToList();
        await Parallel.ForEachAsync(recordGroups, Fanout(ct), async (chunk, token) =>
            await InsertRecordsAsync(chunk, arrivedAt, token));

        // 5. A refused record claims nothing: give back the claims this push wrote for records refused by 010.
        var release = items.Where(x => x.State == ItemState.DuplicateRecord && x.ClaimETag is not null).ToList();
        await Parallel.ForEachAsync(release, Fanout(ct), async (x, token) =>
        {
            try
            {
                var table = await tables.GetAsync(x.Claim.Table, token);
                await table.DeleteEntityAsync(x.Claim.PartitionKey, x.Claim.RowKey, x.ClaimETag!, token);
            }
            catch (StoragePreconditionFailedException)
            {
                // taken over meanwhile: not ours any more
            }
        });

        return items.Select(x => x.State switch
        {
            ItemState.Accepted => LedgerOutcome.Accepted,
            ItemState.DuplicateSn => LedgerOutcome.DuplicateSn,
            ItemState.DuplicateRecord => LedgerOutcome.DuplicateRecord,
            _ => throw new InvalidOperationException($"Record {x.Record.Index} ended in state {x.State}."),
        }).ToList();
    }

    public async Task<IReadOnlyList<string>> ActiveInstancesAsync(DateOnly billingDay, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.ActivityTable, ct);
        var result = new List<string>();
        await foreach (var row in table.QueryAsync(TableFilter.Equal("PartitionKey", UsageEntities.DayKey(billingDay)), [UsageEntities.Instance], cancellationToken: ct))
        {
            if (row.GetString(UsageEntities.Instance) is { } id) result.Add(id);
        }

        return result;
    }

    public async Task<IReadOnlyList<StoredUsage>> ReadPeriodAsync(string instanceId, BillingPeriod period, CancellationToken ct)
    {
        var table = DayTable(UsageKeys.RecordTableName(period, instanceId));
        var (from, to) = UsageKeys.RecordRowKeyRange(period);
        var filter = TableFilter.And(
            TableFilter.Equal("PartitionKey", UsageKeys.RecordPartitionKey(instanceId, period.BillingDay)),
            TableFilter.Create($"RowKey ge {from} and RowKey lt {to}"));
        var result = new List<StoredUsage>();
        try
        {
            await foreach (var row in table.QueryAsync(filter, UsageEntities.RecordSelect, cancellationToken: ct))
            {
                if (UsageEntities.ReadRecord(instanceId, row) is { } stored) result.Add(stored);
            }
        }
        catch (StorageNotFoundException e) when (e.ErrorCode == "TableNotFound")
        {
            // no record of that day was ever written, or retention dropped the day
        }

        return result;
    }

    public async Task<IReadOnlyList<StoredUsage>> ReadLateCandidatesAsync(BillingGranularity granularity, DateTimeOffset? from, DateTimeOffset to, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsageKeys.LateTable, ct);
        var filter = TableFilter.And(
            TableFilter.Equal("PartitionKey", UsageKeys.GranularityName(granularity)),
            from is { } f ? TableFilter.Create($"RowKey ge {UsageEntities.LateKey(f)}") : null,
            TableFilter.Create($"RowKey lt {UsageEntities.LateKey(to)}"));
        var result = new List<StoredUsage>();
        await foreach (var row in table.QueryAsync(filter, cancellationToken: ct))
        {
            if (UsageEntities.ReadLate(row) is { } stored) result.Add(stored);
        }

        return result;
    }

    public async Task<StoredUsage?> ReadRecordAsync(UsageRecordIdentity identity, CancellationToken ct)
    {
        var address = UsageKeys.RecordAddress(identity, Zone);
        try
        {
            var row = await DayTable(address.Table).GetAsync(address.PartitionKey, address.RowKey, UsageEntities.RecordSelect, ct);
            return row is null ? null : UsageEntities.ReadRecord(identity.InstanceId, row);
        }
        catch (StorageNotFoundException e) when (e.ErrorCode == "TableNotFound")
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> DropExpiredAsync(DateOnly oldestKeptDay, DateOnly oldestKeptNonceDay, DateTimeOffset oldestKeptArrival, CancellationToken ct)
    {
        var prefix = tables.Prefix;
        var service = account.GetTableServiceClient();
        var dropped = new List<string>();
        await foreach (var name in service.ListTablesAsync(prefix + UsageKeys.RecordTablePrefix, ct))
        {
            var local = name[prefix.Length..];
            var expired = UsageKeys.DayOfTable(local) is { } day && day < oldestKeptDay;
            if (local.StartsWith(UsageKeys.NonceTablePrefix, StringComparison.Ordinal)
                && DateOnly.TryParseExact(local[UsageKeys.NonceTablePrefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var nonceDay))
            {
                expired = nonceDay < oldestKeptNonceDay;
            }

            if (expired && await service.DeleteTableAsync(name, ct)) dropped.Add(name);
        }

        var activity = await tables.GetAsync(UsageKeys.ActivityTable, ct);
        await DeleteAllAsync(activity, TableFilter.Create($"PartitionKey lt {UsageEntities.DayKey(oldestKeptDay)}"), ct);
        var late = await tables.GetAsync(UsageKeys.LateTable, ct);
        await DeleteAllAsync(late, TableFilter.Create($"RowKey lt {UsageEntities.LateKey(oldestKeptArrival)}"), ct);
        return dropped;
    }

    private async Task MarkActiveAsync(List<Item> items, CancellationToken ct)
    {
        var missing = items.Select(x => (x.Day, x.Record.Record.InstanceId)).Distinct().Where(k => !_active.ContainsKey(k)).ToList();
        if (missing.Count == 0) return;
        var table = await tables.GetAsync(UsageKeys.ActivityTable, ct);
        foreach (var chunk in missing.GroupBy(k => k.Day).SelectMany(g => g.Chunk(MaxBatch)))
        {
            await table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace, UsageEntities.Activity(k.Day, k.InstanceId))).ToList(), ct);
        }

        if (_active.Count > ActivityCacheLimit) _active.Clear();
        foreach (var key in missing) _active.TryAdd(key, 0);
    }

    private async Task ClaimAsync(Item[] chunk, DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        var table = await tables.GetAsync(chunk[0].Claim.Table, ct);
        var pending = chunk.ToList();
        for (var round = 0; pending.Count > 0; round++)
        {
            var entities = pending.Select(x => UsageEntities.Claim(x.Claim, x.Record.Record, now)).ToList();
            try
            {
                var etags = await table.SubmitTransactionAsync(entities.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)).ToList(), ct);
                for (var i = 0; i < pending.Count; i++)
                {
                    pending[i].State = ItemState.Claimed;
                    pending[i].ClaimETag = etags[i];
                }

                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && round < 5)
            {
                // Some claims exist: read them, judge each, resubmit the others.
                var existing = await ReadRowsAsync(table, pending[0].Claim.PartitionKey, pending.Select(x => x.Claim.RowKey).ToList(), ct);
                if (existing.Count == 0) continue; // gone meanwhile (a released claim): just try again
                var conflicting = pending.Where(x => existing.ContainsKey(x.Claim.RowKey)).ToList();
                await JudgeClaimsAsync(table, conflicting, existing, now, window, ct);
                pending = pending.Where(x => !existing.ContainsKey(x.Claim.RowKey)).ToList();
            }
        }
    }

    private async Task JudgeClaimsAsync(TableClient table, List<Item> conflicting, Dictionary<string, TableEntity> existing, DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        var zone = Zone;
        var claims = conflicting.Select(x =>
        {
            var row = existing[x.Claim.RowKey];
            UsageKeys.TryParseRecordRowKey(row.GetString(UsageEntities.RecordKey) ?? string.Empty, out var begin, out var end);
            var claimFor = new UsageRecordIdentity(row.GetString(UsageEntities.Instance) ?? string.Empty, begin, end);
            var claimedAt = new DateTimeOffset(row.GetInt64(UsageEntities.ArrivedAt) ?? 0, TimeSpan.Zero);
            return (Item: x, Row: row, ClaimFor: claimFor, ClaimedAt: claimedAt);
        }).ToList();
        var sns = await ReadStoredSnsAsync(claims.Where(c => c.ClaimFor.InstanceId.Length > 0).Select(c => c.ClaimFor).Distinct().ToList(), zone, ct);
        foreach (var (item, row, claimFor, claimedAt) in claims)
        {
            var verdict = SnClaims.Judge(claimFor, claimedAt, item.Record.Record.Identity, sns.GetValueOrDefault(claimFor),
                item.Record.Record.MeteringSn, now, window);
            switch (verdict)
            {
                case SnClaimVerdict.Adopt:
                    item.State = ItemState.Adopted;
                    break;
                case SnClaimVerdict.TakeOver:
                    try
                    {
                        item.ClaimETag = await table.ReplaceAsync(UsageEntities.Claim(item.Claim, item.Record.Record, now), row.ETag ?? "*", ct);
                        item.State = ItemState.Claimed;
                    }
                    catch (StorageException e) when (e.Status is 404 or 412)
                    {
                        item.State = ItemState.DuplicateSn; // another push took it first
                    }

                    break;
                default:
                    item.State = ItemState.DuplicateSn;
                    break;
            }
        }
    }

    private async Task InsertRecordsAsync(Item[] chunk, DateTimeOffset arrivedAt, CancellationToken ct)
    {
        var table = await tables.GetAsync(chunk[0].Address.Table, ct);
        var pending = chunk.ToList();
        for (var round = 0; pending.Count > 0; round++)
        {
            try
            {
                await table.SubmitTransactionAsync(pending.Select(x => new TableTransactionAction(
                    TableTransactionActionType.Add, UsageEntities.Record(x.Address, x.Record.Record, arrivedAt))).ToList(), ct);
                foreach (var x in pending) x.State = ItemState.Accepted;
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && round < 5)
            {
                var existing = await ReadRangeAsync(table, pending[0].Address.PartitionKey, pending.Select(x => x.Address.RowKey).ToList(), ct);
                if (existing.Count == 0) continue;
                foreach (var x in pending.Where(x => existing.ContainsKey(x.Address.RowKey)))
                {
                    // The same record under the same sn (a concurrent resend won the row): the sn is taken, keep its claim.
                    var sameSn = existing[x.Address.RowKey].GetString(UsageEntities.Sn) == x.Record.Record.MeteringSn;
                    x.State = sameSn ? ItemState.DuplicateSn : ItemState.DuplicateRecord;
                    if (sameSn) x.ClaimETag = null;
                }

                pending = pending.Where(x => !existing.ContainsKey(x.Address.RowKey)).ToList();
            }
        }
    }

    /// <summary>The sn on the record rows of these identities (absent rows are left out).</summary>
    private async Task<Dictionary<UsageRecordIdentity, string>> ReadStoredSnsAsync(List<UsageRecordIdentity> identities, TimeZoneInfo zone, CancellationToken ct)
    {
        var result = new ConcurrentDictionary<UsageRecordIdentity, string>();
        var groups = identities.Select(id => (Id: id, Address: UsageKeys.RecordAddress(id, zone)))
            .GroupBy(x => (x.Address.Table, x.Address.PartitionKey)).ToList();
        await Parallel.ForEachAsync(groups, Fanout(ct), async (group, token) =>
        {
            var rows = await ReadRangeAsync(DayTable(group.Key.Table), group.Key.PartitionKey, group.Select(x => x.Address.RowKey).ToList(), token);
            foreach (var (id, address) in group)
            {
                if (rows.TryGetValue(address.RowKey, out var row) && row.GetString(UsageEntities.Sn) is { } sn) result[id] = sn;
            }
        });
        return new Dictionary<UsageRecordIdentity, string>(result);
    }

    /// <summary>The rows among <paramref name="rowKeys"/> that exist, read as one row-key range (record keys sort by time).</summary>
    private static async Task<Dictionary<string, TableEntity>> ReadRangeAsync(TableClient table, string partitionKey, List<string> rowKeys, CancellationToken ct)
    {
        var wanted = rowKeys.ToHashSet(StringComparer.Ordinal);
        var min = rowKeys.Min(StringComparer.Ordinal)!;
        var max = rowKeys.Max(StringComparer.Ordinal)!;
        var filter = TableFilter.And(TableFilter.Equal("PartitionKey", partitionKey), TableFilter.Create($"RowKey ge {min} and RowKey le {max}"));
        var found = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        try
        {
            await foreach (var row in table.QueryAsync(filter, ["RowKey", UsageEntities.Sn], cancellationToken: ct))
            {
                if (wanted.Contains(row.RowKey)) found[row.RowKey] = row;
            }
        }
        catch (StorageNotFoundException e) when (e.ErrorCode == "TableNotFound")
        {
        }

        return found;
    }

    /// <summary>The rows among <paramref name="rowKeys"/> that exist (claims: random keys), 14 keys per query.</summary>
    private static async Task<Dictionary<string, TableEntity>> ReadRowsAsync(TableClient table, string partitionKey, List<string> rowKeys, CancellationToken ct)
    {
        var found = new ConcurrentDictionary<string, TableEntity>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(rowKeys.Chunk(KeysPerQuery), Fanout(ct), async (keys, token) =>
        {
            var filter = TableFilter.And(TableFilter.Equal("PartitionKey", partitionKey), TableFilter.Or(keys.Select(k => TableFilter.Equal("RowKey", k)).ToArray()));
            await foreach (var row in table.QueryAsync(filter, cancellationToken: token)) found[row.RowKey] = row;
        });
        return new Dictionary<string, TableEntity>(found, StringComparer.Ordinal);
    }

    private static async Task DeleteAllAsync(TableClient table, string filter, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync(filter, ["PartitionKey", "RowKey"], cancellationToken: ct)) rows.Add(row);
        foreach (var chunk in rows.GroupBy(r => r.PartitionKey).SelectMany(g => g.Chunk(MaxBatch)))
        {
            await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, "*")).ToList(), ct);
        }
    }

    /// <summary>A per-day table for reading: not created (a day without records has none).</summary>
    private TableClient DayTable(string name) => account.GetTableClient(tables.Prefix + name);

    private static ParallelOptions Fanout(CancellationToken ct) => new() { MaxDegreeOfParallelism = WriteParallelism, CancellationToken = ct };

    private enum ItemState { New, Claimed, Adopted, Accepted, DuplicateSn, DuplicateRecord }

    private sealed class Item(int position, LedgerRecord record, DateOnly day, TimeZoneInfo zone, string sellerId)
    {
        public int Position { get; } = position;
        public LedgerRecord Record { get; } = record;
        public DateOnly Day { get; } = day;
        public UsageRowAddress Address { get; } = UsageKeys.RecordAddress(record.Record.Identity, zone);
        public UsageRowAddress Claim { get; } = UsageKeys.SnClaimAddress(sellerId, record.Record.MeteringSn, day);
        public ItemState State { get; set; }
        public string? ClaimETag { get; set; }
    }
}

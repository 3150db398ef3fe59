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

    public async Task PrepareAsync(string sellerId, IReadOnlyList<UsageRecord> records, CancellationToken ct)
    {
        var zone = Zone;
        var names = new HashSet<string>(StringComparer.Ordinal) { UsageKeys.ActivityTable, UsageKeys.LateTable };
        foreach (var record in records)
        {
            var day = UsageKeys.BillingDayOf(record.BeginUtc, zone);
            names.Add(UsageKeys.RecordTableName(day, record.InstanceId));
            names.Add(UsageKeys.SnClaimTableName(day, record.MeteringSn));
        }

        await Parallel.ForEachAsync(names, Fanout(ct), async (name, token) => await tables.GetAsync(name, token));
    }

    public async Task<IReadOnlyList<SnClaim>> ClaimAsync(string sellerId, IReadOnlyList<UsageRecord> records, DateTimeOffset now, CancellationToken ct)
    {
        var zone = Zone;
        var items = records.Select(r => new Item(r, UsageKeys.BillingDayOf(r.BeginUtc, zone), zone, sellerId)).ToList();

        // Activity first: a record row must never exist for a (day, instance) the bill runs cannot find.
        await MarkActiveAsync(items, ct);

        // On the first conflict, one read of the push's record rows settles every resent record (row there, same sn: 005),
        // instead of a read per claim; claims still in conflict after that are read one by one.
        var resent = new Lazy<Task<Dictionary<UsageRecordIdentity, string>>>(() => ReadStoredSnsAsync(items.Select(x => x.Record.Identity).ToList(), zone, ct));
        var groups = items.GroupBy(x => (x.Claim.Table, x.Claim.PartitionKey)).SelectMany(g => g.Chunk(MaxBatch)).ToList();
        await Parallel.ForEachAsync(groups, Fanout(ct), async (chunk, token) => await ClaimChunkAsync(chunk, now, resent, token));
        return items.Select(x => x.SnClaim ?? throw new InvalidOperationException($"The claim of sn '{x.Record.MeteringSn}' was not settled.")).ToList();
    }

    public async Task<IReadOnlyList<LedgerOutcome>> StoreAsync(string sellerId, IReadOnlyList<LedgerRecord> records, DateTimeOffset arrivedAt, CancellationToken ct)
    {
        var zone = Zone;
        var items = records.Select(r => new Item(r.Record, UsageKeys.BillingDayOf(r.Record.BeginUtc, zone), zone, sellerId) { SnClaim = r.Claim }).ToList();

        // File the late candidates before their record rows (a row without its late entry could be missed).
        var late = records.Where(r => r.LateCandidate).Select(r => UsageEntities.Late(r.Granularity, r.Record, arrivedAt)).ToList();
        if (late.Count > 0)
        {
            var lateTable = await tables.GetAsync(UsageKeys.LateTable, ct);
            foreach (var chunk in late.GroupBy(e => e.PartitionKey).SelectMany(g => g.Chunk(MaxBatch)))
            {
                await lateTable.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)).ToList(), ct);
            }
        }

        // The record rows (code 010): one transaction per partition and 100 rows.
        var groups = items.GroupBy(x => (x.Address.Table, x.Address.PartitionKey)).SelectMany(g => g.Chunk(MaxBatch)).ToList();
        await Parallel.ForEachAsync(groups, Fanout(ct), async (chunk, token) => await InsertRecordsAsync(chunk, arrivedAt, token));

        // A refused record claims nothing: give back the claims this push wrote for records refused by 010.
        var release = items.Where(x => x.Outcome == LedgerOutcome.DuplicateRecord && x.SnClaim is { State: SnClaimState.Claimed, ETag: not null }).ToList();
        await Parallel.ForEachAsync(release, Fanout(ct), async (x, token) =>
        {
            try
            {
                var table = await tables.GetAsync(x.Claim.Table, token);
                await table.DeleteEntityAsync(x.Claim.PartitionKey, x.Claim.RowKey, x.SnClaim!.ETag!, token);
            }
            catch (StoragePreconditionFailedException)
            {
                // taken over meanwhile: not ours any more
            }
        });

        return items.Select(x => x.Outcome ?? throw new InvalidOperationException($"The record '{x.Record.MeteringSn}' was not settled.")).ToList();
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

    public async Task<IReadOnlyList<StoredUsage>> ReadRangeAsync(string instanceId, DateOnly billingDay, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct)
    {
        var table = DayTable(UsageKeys.RecordTableName(billingDay, instanceId));
        var from = UsageKeys.RecordRowKeyBound(fromUtc);
        var to = UsageKeys.RecordRowKeyBound(toUtc);
        var filter = TableFilter.And(
            TableFilter.Equal("PartitionKey", UsageKeys.RecordPartitionKey(instanceId, billingDay)),
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
        var missing = items.Select(x => (x.Day, x.Record.InstanceId)).Distinct().Where(k => !_active.ContainsKey(k)).ToList();
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

    private async Task ClaimChunkAsync(Item[] chunk, DateTimeOffset now, Lazy<Task<Dictionary<UsageRecordIdentity, string>>> resent, CancellationToken ct)
    {
        var table = await tables.GetAsync(chunk[0].Claim.Table, ct);
        var pending = chunk.ToList();
        for (var round = 0; pending.Count > 0; round++)
        {
            var entities = pending.Select(x => UsageEntities.Claim(x.Claim, x.Record, now)).ToList();
            try
            {
                var etags = await table.SubmitTransactionAsync(entities.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)).ToList(), ct);
                for (var i = 0; i < pending.Count; i++) pending[i].SnClaim = new SnClaim(SnClaimState.Claimed, etags[i]);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && round < 5)
            {
                if (round == 0)
                {
                    var stored = await resent.Value;
                    foreach (var x in pending.Where(x => stored.GetValueOrDefault(x.Record.Identity) == x.Record.MeteringSn))
                    {
                        x.SnClaim = new SnClaim(SnClaimState.Duplicate);
                    }

                    var before = pending.Count;
                    pending = pending.Where(x => x.SnClaim is null).ToList();
                    if (pending.Count < before) continue;
                }

                // Some claims exist: read them (point reads: sns are random keys), judge each, resubmit the others.
                var existing = await ReadRowsAsync(table, pending[0].Claim.PartitionKey, pending.Select(x => x.Claim.RowKey).ToList(), ct);
                if (existing.Count == 0) continue; // gone meanwhile (a released claim): just try again
                var conflicting = pending.Where(x => existing.ContainsKey(x.Claim.RowKey)).ToList();
                await JudgeClaimsAsync(table, conflicting, existing, now, ct);
                pending = pending.Where(x => !existing.ContainsKey(x.Claim.RowKey)).ToList();
            }
        }
    }

    private async Task JudgeClaimsAsync(TableClient table, List<Item> conflicting, Dictionary<string, TableEntity> existing, DateTimeOffset now, CancellationToken ct)
    {
        var zone = Zone;
        var window = options.Value.IngestWindow;
        var claims = conflicting.Select(x =>
        {
            var row = existing[x.Claim.RowKey];
            UsageKeys.TryParseRecordRowKey(row.GetString(UsageEntities.RecordKey) ?? string.Empty, out var begin, out var end);
            var claimFor = new UsageRecordIdentity(row.GetString(UsageEntities.Instance) ?? string.Empty, begin, end);
            var claimedAt = new DateTimeOffset(row.GetInt64(UsageEntities.ArrivedAt) ?? 0, TimeSpan.Zero);
            return (Item: x, Row: row, ClaimFor: claimFor, ClaimedAt: claimedAt);
        }).ToList();
        // A claim for this very record needs no read: adopted, its record key decides (and tells a resend, 005, on conflict).
        var sns = await ReadStoredSnsAsync(claims.Where(c => c.ClaimFor.InstanceId.Length > 0 && c.ClaimFor != c.Item.Record.Identity)
            .Select(c => c.ClaimFor).Distinct().ToList(), zone, ct);
        foreach (var (item, row, claimFor, claimedAt) in claims)
        {
            var verdict = SnClaims.Judge(claimFor, claimedAt, item.Record.Identity, sns.GetValueOrDefault(claimFor), item.Record.MeteringSn, now, window);
            switch (verdict)
            {
                case SnClaimVerdict.Adopt:
                    item.SnClaim = new SnClaim(SnClaimState.Adopted);
                    break;
                case SnClaimVerdict.TakeOver:
                    try
                    {
                        var etag = await table.ReplaceAsync(UsageEntities.Claim(item.Claim, item.Record, now), row.ETag ?? "*", ct);
                        item.SnClaim = new SnClaim(SnClaimState.Claimed, etag);
                    }
                    catch (StorageException e) when (e.Status is 404 or 412)
                    {
                        item.SnClaim = new SnClaim(SnClaimState.Duplicate); // another push took it first
                    }

                    break;
                default:
                    item.SnClaim = new SnClaim(SnClaimState.Duplicate);
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
                    TableTransactionActionType.Add, UsageEntities.Record(x.Address, x.Record, arrivedAt))).ToList(), ct);
                foreach (var x in pending) x.Outcome = LedgerOutcome.Accepted;
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && round < 5)
            {
                var existing = await ReadRangeAsync(table, pending[0].Address.PartitionKey, pending.Select(x => x.Address.RowKey).ToList(), ct);
                if (existing.Count == 0) continue;
                foreach (var x in pending.Where(x => existing.ContainsKey(x.Address.RowKey)))
                {
                    // The same record under the same sn (a concurrent resend won the row): the sn is taken, keep its claim.
                    var sameSn = existing[x.Address.RowKey].GetString(UsageEntities.Sn) == x.Record.MeteringSn;
                    x.Outcome = sameSn ? LedgerOutcome.DuplicateSn : LedgerOutcome.DuplicateRecord;
                }

                pending = pending.Where(x => !existing.ContainsKey(x.Address.RowKey)).ToList();
            }
        }
    }

    /// <summary>The sn on the record rows of these identities (absent rows are left out).</summary>
    private async Task<Dictionary<UsageRecordIdentity, string>> ReadStoredSnsAsync(List<UsageRecordIdentity> identities, TimeZoneInfo zone, CancellationToken ct)
    {
        if (identities.Count == 0) return [];
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

    /// <summary>The rows among <paramref name="rowKeys"/> that exist (claims: random keys), read one by one in parallel.</summary>
    private static async Task<Dictionary<string, TableEntity>> ReadRowsAsync(TableClient table, string partitionKey, List<string> rowKeys, CancellationToken ct)
    {
        var found = new ConcurrentDictionary<string, TableEntity>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(rowKeys, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (key, token) =>
        {
            if (await table.GetAsync(partitionKey, key, cancellationToken: token) is { } row) found[key] = row;
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

    private sealed class Item(UsageRecord record, DateOnly day, TimeZoneInfo zone, string sellerId)
    {
        public UsageRecord Record { get; } = record;
        public DateOnly Day { get; } = day;
        public UsageRowAddress Address { get; } = UsageKeys.RecordAddress(record.Identity, zone);
        public UsageRowAddress Claim { get; } = UsageKeys.SnClaimAddress(sellerId, record.MeteringSn, day);
        public SnClaim? SnClaim { get; set; }
        public LedgerOutcome? Outcome { get; set; }
    }
}

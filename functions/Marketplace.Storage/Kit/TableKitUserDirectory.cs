using System.Globalization;
using System.Text;
using Marketplace.Core.Kit;
using Marketplace.Storage.Tables;

namespace Marketplace.Storage.Kit;

/// <summary>
/// The Kit user directory on Tables: table <c>kitusers</c>, one partition per binding, one row per user (row key: the
/// userName, with the characters row keys forbid written as <c>%XX</c>). A batch reads the rows it touches (one range
/// query), skips users whose row a newer batch wrote, and writes the rest in entity-group transactions of at most 100
/// rows, conditional on the ETags it read; a concurrent writer makes it read again.
/// </summary>
public sealed class TableKitUserDirectory(TableProvisioner tables) : IKitUserDirectory
{
    private const string Table = "kitusers";
    private const int MaxAttempts = 5;

    public async Task ApplyAsync(KitUserChange change, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct);
        var removed = change.Flag is KitFlags.Delete or KitFlags.Revoke;
        for (var attempt = 1; ; attempt++)
        {
            var rows = await ReadAsync(table, change.BindingId, change.Users.Select(u => u.UserName), ct);
            var actions = new List<TableTransactionAction>();
            foreach (var user in change.Users)
            {
                var existing = rows.GetValueOrDefault(RowKey(user.UserName));
                if (existing?.GetInt32("Seq") >= change.Seq) continue; // a newer batch (or this one) wrote it already
                var entity = ToEntity(change.BindingId, user, change.Seq, removed);
                actions.Add(existing is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, existing.ETag));
            }

            try
            {
                foreach (var chunk in actions.Chunk(TableBatch.MaxOperations)) await table.SubmitTransactionAsync(chunk, ct);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another writer got there between the read and the write: read again (rows already written are skipped).
            }
        }
    }

    public async Task<IReadOnlyDictionary<string, KitUser>> FindAsync(string bindingId, IReadOnlyCollection<string> userNames, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct);
        var rows = await ReadAsync(table, bindingId, userNames, ct);
        return rows.Values.Where(e => e.GetBoolean("Removed") != true).Select(ToUser).ToDictionary(u => u.UserName, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<KitUser>> ListAsync(string bindingId, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct);
        var users = new List<KitUser>();
        await foreach (var e in table.QueryAsync($"PartitionKey eq {TableFilter.Quote(bindingId)} and Removed eq false", cancellationToken: ct))
            users.Add(ToUser(e));
        return users;
    }

    /// <summary>The rows of <paramref name="userNames"/> that exist, by row key: one query over the range they span.</summary>
    private static async Task<Dictionary<string, TableEntity>> ReadAsync(TableClient table, string bindingId, IEnumerable<string> userNames, CancellationToken ct)
    {
        var keys = userNames.Select(RowKey).ToHashSet(StringComparer.Ordinal);
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        if (keys.Count == 0) return rows;
        var min = keys.Min(StringComparer.Ordinal)!;
        var max = keys.Max(StringComparer.Ordinal)!;
        var filter = $"PartitionKey eq {TableFilter.Quote(bindingId)} and RowKey ge {TableFilter.Quote(min)} and RowKey le {TableFilter.Quote(max)}";
        await foreach (var e in table.QueryAsync(filter, cancellationToken: ct))
            if (keys.Contains(e.RowKey)) rows[e.RowKey] = e;
        return rows;
    }

    private static TableEntity ToEntity(string bindingId, KitUser u, int seq, bool removed)
    {
        var e = new TableEntity(bindingId, RowKey(u.UserName))
        {
            ["UserName"] = u.UserName,
            ["Name"] = u.Name,
            ["OrgCode"] = u.OrgCode,
            ["Role"] = u.Role,
            ["Seq"] = seq,
            ["Removed"] = removed,
        };
        if (u.Email is not null) e["Email"] = u.Email;
        if (u.Mobile is not null) e["Mobile"] = u.Mobile;
        return e;
    }

    private static KitUser ToUser(TableEntity e) => new(
        e.GetString("UserName") ?? "", e.GetString("Name") ?? "", e.GetString("OrgCode") ?? "", e.GetString("Role") ?? "user",
        e.GetString("Email"), e.GetString("Mobile"));

    /// <summary>The userName as a row key: <c>/ \ # ?</c>, control characters and <c>%</c> itself become <c>%XX</c>.</summary>
    internal static string RowKey(string userName)
    {
        if (!userName.Any(NeedsEscape)) return userName;
        var sb = new StringBuilder(userName.Length + 8);
        foreach (var c in userName)
        {
            if (NeedsEscape(c)) sb.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }

        return sb.ToString();
    }

    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '%' || c < 0x20 || c is >= '\u007f' and <= '\u009f';
}

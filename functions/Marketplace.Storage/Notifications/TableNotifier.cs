using System.Globalization;
using System.Runtime.CompilerServices;
using Marketplace.Core.Notifications;
using Marketplace.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Marketplace.Storage.Notifications;

/// <summary>
/// Notifications on Tables: one table, a partition per recipient (a seller id, or <c>ops</c>), rows ordered newest
/// first (the row key starts with the inverted time). The row key ends with the notification's key, so a redelivered
/// notification replaces itself instead of appearing twice. Each one is also written to the log.
/// </summary>
public sealed class TableNotifier(TableProvisioner tables, ILogger<TableNotifier> logger) : INotifier, INotificationInbox
{
    private const string Table = "notifications";
    private const int MaxBody = 8000;

    public async Task NotifyAsync(Notification n, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(n);
        var table = await tables.GetAsync(Table, ct);
        var entity = new TableEntity(Safe(n.Recipient), RowKey(n.At, n.Key))
        {
            ["Key"] = n.Key,
            ["At"] = n.At,
            ["Kind"] = n.Kind,
            ["Subject"] = n.Subject,
            ["Body"] = n.Body.Length > MaxBody ? n.Body[..MaxBody] : n.Body,
            ["CallId"] = n.CallId,
            ["OrderId"] = n.OrderId,
            ["ProductId"] = n.ProductId,
        };
        await table.UpsertAsync(entity, TableUpdateMode.Replace, ct);
        logger.LogInformation("Notification for {Recipient} ({Kind}): {Subject}. {Body}", n.Recipient, n.Kind, n.Subject, n.Body);
    }

    public async IAsyncEnumerable<Notification> ListAsync(string recipient, int max, [EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct);
        var count = 0;
        await foreach (var e in table.QueryAsync(TableFilter.Equal("PartitionKey", Safe(recipient)), pageSize: Math.Min(max, 1000), cancellationToken: ct))
        {
            if (count++ >= max) yield break;
            yield return new Notification(recipient, e.GetString("Key") ?? e.RowKey, e.GetDateTimeOffset("At") ?? default, e.GetString("Kind") ?? "",
                e.GetString("Subject") ?? "", e.GetString("Body") ?? "", e.GetString("CallId"), e.GetString("OrderId"), e.GetString("ProductId"));
        }
    }

    private static string RowKey(DateTimeOffset at, string key) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Safe(key);

    /// <summary>Table keys may not hold / \ # ? or control characters.</summary>
    private static string Safe(string value) =>
        string.Create(value.Length, value, (span, v) =>
        {
            for (var i = 0; i < v.Length; i++) span[i] = v[i] is '/' or '\\' or '#' or '?' || char.IsControl(v[i]) ? '_' : v[i];
        });
}

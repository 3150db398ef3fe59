using System.Diagnostics;
using System.Net;
using System.Text;
using Azure.Core.Pipeline;
using Marketplace.Storage;
using Marketplace.Storage.Tables;

namespace Marketplace.Benchmarks;

/// <summary>
/// The client's own cost, without Azurite: the same 100-entity transactions as <see cref="TablesBenchmark"/> sent to an
/// in-process handler that reads the request body and answers with a canned 202 batch response, once through
/// <see cref="TableClient"/> (Azure.Core pipeline) and once through plain <see cref="HttpClient"/>.
/// Single-threaded; prints microseconds and bytes allocated per transaction.
/// </summary>
internal static class TablesOverheadBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3000;
        const int rows = 100;
        var connectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + StorageAccount.DevelopmentAccountKey +
                               ";TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1";
        var handler = new CannedBatchHandler(rows);
        var options = new StorageClientOptions { Transport = new HttpClientTransport(new HttpClient(handler)) };
        var table = StorageAccount.Parse(connectionString, options).GetTableClient("benchtable");
        var plain = new TablesBenchmark.PlainTableBatchSender(connectionString, handler);

        Func<int, Task> client = async p => await table.SubmitTransactionAsync(BuildActions(p, rows)).ConfigureAwait(false);
        Func<int, Task> raw = async p =>
        {
            var error = await plain.SubmitAsync("benchtable", p, rows).ConfigureAwait(false);
            if (error is not null) throw new InvalidOperationException(error);
        };

        if (args.Length > 1 && args[1] is "client" or "plain")
        {
            // Profiling aid: only one path, e.g. under dotnet-trace.
            var only = await MeasureAsync(args[1] == "client" ? client : raw, iterations);
            Console.WriteLine($"{args[1]}: {only.Micros:N1} µs, {only.Bytes / 1024:N1} KiB per transaction");
            return 0;
        }

        await MeasureAsync(client, iterations / 2);
        await MeasureAsync(raw, iterations / 2);
        var results = new List<(string Name, double Micros, double Bytes)>();
        for (var round = 0; round < 3; round++)
        {
            var c = await MeasureAsync(client, iterations);
            results.Add(("TableClient", c.Micros, c.Bytes));
            var h = await MeasureAsync(raw, iterations);
            results.Add(("HttpClient", h.Micros, h.Bytes));
        }

        foreach (var group in results.GroupBy(r => r.Name))
        {
            Console.WriteLine($"{group.Key,-11}: {group.Min(r => r.Micros),7:N1} µs and {group.Average(r => r.Bytes) / 1024,6:N1} KiB allocated per 100-entity transaction (best of 3 x {iterations})");
        }

        return 0;
    }

    private static async Task<(double Micros, double Bytes)> MeasureAsync(Func<int, Task> submit, int iterations)
    {
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) await submit(i % 1000).ConfigureAwait(false);
        stopwatch.Stop();
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        return (stopwatch.Elapsed.TotalMicroseconds / iterations, (double)bytes / iterations);
    }

    internal static List<TableTransactionAction> BuildActions(int partition, int rows)
    {
        var actions = new List<TableTransactionAction>(rows);
        for (var r = 0; r < rows; r++)
        {
            var d = TablesBenchmark.EntityData.For(partition, r);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(d.PartitionKey, d.RowKey, 6)
            {
                ["Name"] = d.Name,
                ["Sku"] = d.Sku,
                ["City"] = d.City,
                ["Quantity"] = d.Quantity,
                ["Price"] = d.Price,
                ["Total"] = d.Total,
            }));
        }

        return actions;
    }

    /// <summary>Reads the whole request body and answers like the Table service does to a successful batch of inserts.</summary>
    private sealed class CannedBatchHandler(int operations) : HttpMessageHandler
    {
        private readonly byte[] _response = BuildResponse(operations);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length < operations * 100) throw new InvalidOperationException("short batch body");
            var content = new ByteArrayContent(_response);
            content.Headers.TryAddWithoutValidation("Content-Type", "multipart/mixed; boundary=batchresponse_00000000-0000-0000-0000-000000000000");
            return new HttpResponseMessage(HttpStatusCode.Accepted) { Content = content, RequestMessage = request };
        }

        private static byte[] BuildResponse(int operations)
        {
            var text = new StringBuilder();
            text.Append("--batchresponse_00000000-0000-0000-0000-000000000000\r\n");
            text.Append("Content-Type: multipart/mixed; boundary=changesetresponse_11111111-1111-1111-1111-111111111111\r\n\r\n");
            for (var i = 0; i < operations; i++)
            {
                text.Append("--changesetresponse_11111111-1111-1111-1111-111111111111\r\n");
                text.Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
                text.Append("HTTP/1.1 204 No Content\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nPreference-Applied: return-no-content\r\n");
                text.Append("DataServiceVersion: 3.0;\r\n");
                text.Append($"Location: http://127.0.0.1:10002/devstoreaccount1/benchtable(PartitionKey='p0001',RowKey='r{i:D3}')\r\n");
                text.Append($"DataServiceId: http://127.0.0.1:10002/devstoreaccount1/benchtable(PartitionKey='p0001',RowKey='r{i:D3}')\r\n");
                text.Append("ETag: W/\"datetime'2026-11-22T00%3A00%3A00.1234567Z'\"\r\n\r\n");
            }

            text.Append("--changesetresponse_11111111-1111-1111-1111-111111111111--\r\n--batchresponse_00000000-0000-0000-0000-000000000000--\r\n");
            return Encoding.UTF8.GetBytes(text.ToString());
        }
    }
}

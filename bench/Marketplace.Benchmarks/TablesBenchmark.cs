using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Storage;
using Marketplace.Storage.Tables;

namespace Marketplace.Benchmarks;

/// <summary>
/// Inserts partitions × rows entities (6 string/number properties each) in 100-entity entity-group transactions with
/// N concurrent senders, once through <see cref="TableClient.SubmitTransactionAsync"/> and once through plain
/// <see cref="HttpClient"/> requests (batch body built by hand, SharedKey computed inline), each into its own fresh
/// table, and prints both rates and their ratio. Azurite slows down as a table grows and drifts over a run, so the two
/// tables are filled in alternating slices (client, plain, plain, client, ...): both paths meet the same table sizes
/// and the same Azurite state, and only the time spent in each path's own slices counts for it.
/// </summary>
internal static class TablesBenchmark
{
    public const string OptionsHelp = "--partitions 1000 --rows 100 --concurrency 4 --rounds 1 --slice 10 --no-verify --progress";

    private static readonly string[] Cities = ["Lisbon", "Porto", "Braga", "Faro", "Coimbra", "Aveiro", "Evora", "Leiria"];

    public static async Task<int> RunAsync(string[] args)
    {
        var partitions = IntOption(args, "--partitions", 1000);
        var rows = IntOption(args, "--rows", 100);
        var concurrency = IntOption(args, "--concurrency", 4);
        var rounds = IntOption(args, "--rounds", 1);
        var slice = IntOption(args, "--slice", 10);
        var verify = !args.Contains("--no-verify");
        var progress = args.Contains("--progress");
        if (rows is < 1 or > 100) throw new ArgumentException("--rows must be 1..100 (one transaction per partition).");

        var connectionString = Environment.GetEnvironmentVariable("Storage__ConnectionString");
        if (string.IsNullOrEmpty(connectionString))
        {
            Console.Error.WriteLine("Storage__ConnectionString is not set; run through scripts/bench.sh, which starts Azurite.");
            return 1;
        }

        var account = StorageAccount.Parse(connectionString);
        var plain = new PlainTableBatchSender(connectionString);
        Func<TableClient, int, Task<string?>> viaClient = (t, p) => SubmitWithClientAsync(t, p, rows);
        Func<TableClient, int, Task<string?>> viaPlain = (t, p) => plain.SubmitAsync(t.Name, p, rows);
        var entities = (long)partitions * rows;
        Console.WriteLine($"tables: {entities:N0} entities per table ({partitions} partitions x {rows} rows, 6 properties), " +
                          $"{rows}-entity transactions, {concurrency} concurrent senders, {rounds} round(s)");
        Console.WriteLine($"each round: a fresh table per path, filled in alternating slices of {slice * rows:N0} entities " +
                          "(client, plain, plain, client, ...) so both see the same Azurite state and table sizes");

        // Warm-up: JIT, connection pools, Azurite's first-table costs; not measured.
        foreach (var submit in new[] { viaClient, viaPlain })
        {
            var warm = account.GetTableClient("warm" + Guid.NewGuid().ToString("N")[..16]);
            await warm.CreateIfNotExistsAsync();
            await FillAsync(warm, 0, Math.Min(partitions, 200), concurrency, submit);
            await warm.DeleteAsync();
        }

        var totals = new Dictionary<string, RunResult>
        {
            ["TableClient"] = new("TableClient", 0, TimeSpan.Zero, TimeSpan.Zero),
            ["HttpClient"] = new("HttpClient", 0, TimeSpan.Zero, TimeSpan.Zero),
        };
        for (var round = 0; round < rounds; round++)
        {
            var tables = new Dictionary<string, TableClient>
            {
                ["TableClient"] = account.GetTableClient("benchc" + Guid.NewGuid().ToString("N")[..16]),
                ["HttpClient"] = account.GetTableClient("benchp" + Guid.NewGuid().ToString("N")[..16]),
            };
            foreach (var table in tables.Values) await table.CreateIfNotExistsAsync();
            var roundTotals = tables.Keys.ToDictionary(k => k, k => new RunResult(k, 0, TimeSpan.Zero, TimeSpan.Zero));
            for (int from = 0, index = 0; from < partitions; from += slice, index++)
            {
                var to = Math.Min(partitions, from + slice);
                var order = index % 2 == 0 ? new[] { "TableClient", "HttpClient" } : new[] { "HttpClient", "TableClient" };
                foreach (var name in order)
                {
                    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    var stopwatch = Stopwatch.StartNew();
                    await FillAsync(tables[name], from, to, concurrency, name == "TableClient" ? viaClient : viaPlain);
                    stopwatch.Stop();
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                    var sliceResult = new RunResult(name, (long)(to - from) * rows, stopwatch.Elapsed, cpu);
                    roundTotals[name] = roundTotals[name].Add(sliceResult);
                    if (progress)
                    {
                        Console.WriteLine($"  round {round + 1} {name,-11} rows {from * rows,7:N0}-{to * rows,7:N0}: {stopwatch.Elapsed.TotalSeconds,6:N2} s = {sliceResult.Rate,7:N0}/s");
                    }
                }
            }

            foreach (var (name, table) in tables)
            {
                var size = "not counted";
                if (verify)
                {
                    long counted = 0;
                    await foreach (var _ in table.QueryAsync(null, select: ["PartitionKey"])) counted++;
                    if (counted != entities) throw new InvalidOperationException($"{name}: table holds {counted} entities, expected {entities}.");
                    size = counted.ToString("N0", CultureInfo.InvariantCulture);
                }

                var r = roundTotals[name];
                Console.WriteLine($"round {round + 1} {name,-11}: {r.Entities:N0} entities in {r.Elapsed.TotalSeconds,6:N2} s = {r.Rate,7:N0} entities/s; " +
                                  $"final table size {size}; bench CPU {r.Cpu.TotalSeconds:N2} s");
                totals[name] = totals[name].Add(r);
                await table.DeleteAsync();
            }
        }

        var client = totals["TableClient"];
        var raw = totals["HttpClient"];
        Console.WriteLine();
        Console.WriteLine($"TableClient : {client.Rate,9:N0} entities/s   bench CPU {client.CpuPerThousand,6:N2} ms per 1,000 entities");
        Console.WriteLine($"HttpClient  : {raw.Rate,9:N0} entities/s   bench CPU {raw.CpuPerThousand,6:N2} ms per 1,000 entities");
        Console.WriteLine($"ratio client/plain: {client.Rate / raw.Rate:P1} of the plain rate (target >= 90%)");
        return 0;
    }

    private static async Task FillAsync(TableClient table, int from, int to, int concurrency, Func<TableClient, int, Task<string?>> submit)
    {
        var next = from - 1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int p;
            while ((p = Interlocked.Increment(ref next)) < to)
            {
                var error = await submit(table, p).ConfigureAwait(false);
                if (error is not null) throw new InvalidOperationException($"{table.Name}: partition {p}: {error}");
            }
        }).ToArray();
        await Task.WhenAll(workers);
    }

    private static async Task<string?> SubmitWithClientAsync(TableClient table, int partition, int rows)
    {
        var actions = new List<TableTransactionAction>(rows);
        for (var r = 0; r < rows; r++)
        {
            var d = EntityData.For(partition, r);
            var entity = new TableEntity(d.PartitionKey, d.RowKey, 6)
            {
                ["Name"] = d.Name,
                ["Sku"] = d.Sku,
                ["City"] = d.City,
                ["Quantity"] = d.Quantity,
                ["Price"] = d.Price,
                ["Total"] = d.Total,
            };
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
        }

        await table.SubmitTransactionAsync(actions).ConfigureAwait(false);
        return null;
    }

    internal static int IntOption(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record RunResult(string Name, long Entities, TimeSpan Elapsed, TimeSpan Cpu)
    {
        public double Rate => Entities / Elapsed.TotalSeconds;

        public double CpuPerThousand => Cpu.TotalMilliseconds / (Entities / 1000.0);

        public RunResult Add(RunResult other) => this with { Entities = Entities + other.Entities, Elapsed = Elapsed + other.Elapsed, Cpu = Cpu + other.Cpu };
    }

    /// <summary>The benchmark's entity: 6 properties (3 strings, 1 Int32, 2 doubles), deterministic per position.</summary>
    internal readonly record struct EntityData(string PartitionKey, string RowKey, string Name, string Sku, string City, int Quantity, double Price, double Total)
    {
        public static EntityData For(int partition, int row)
        {
            var quantity = ((partition * 7) + row) % 50 + 1;
            var price = (((partition * 31) + (row * 17)) % 10000 / 100.0) + 0.25;
            return new EntityData(
                "p" + partition.ToString("D4", CultureInfo.InvariantCulture),
                "r" + row.ToString("D3", CultureInfo.InvariantCulture),
                $"customer-{partition:D4}-{row:D3}",
                $"SKU-{((partition * 100) + row) % 9973:D5}",
                Cities[(partition + row) % Cities.Length],
                quantity,
                price,
                Math.Round(quantity * price, 2));
        }
    }

    /// <summary>
    /// The baseline: what a developer would write by hand with HttpClient. One shared HttpClient, the batch body
    /// built with a StringBuilder, the Table SharedKey signature computed inline.
    /// </summary>
    internal sealed class PlainTableBatchSender
    {
        private readonly HttpClient _http;
        private readonly string _account;
        private readonly byte[] _key;
        private readonly string _tableEndpoint;
        private readonly string _batchPath;

        public PlainTableBatchSender(string connectionString, HttpMessageHandler? handler = null)
        {
            _http = handler is null ? new HttpClient() : new HttpClient(handler);
            var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
            _account = parts["AccountName"];
            _key = Convert.FromBase64String(parts["AccountKey"]);
            _tableEndpoint = parts["TableEndpoint"].TrimEnd('/');
            _batchPath = new Uri(_tableEndpoint + "/$batch").AbsolutePath;
        }

        public async Task<string?> SubmitAsync(string table, int partition, int rows)
        {
            var batch = "batch_" + Guid.NewGuid().ToString("D");
            var changeset = "changeset_" + Guid.NewGuid().ToString("D");
            var body = new StringBuilder(rows * 600);
            body.Append("--").Append(batch).Append("\r\n");
            body.Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");
            for (var r = 0; r < rows; r++)
            {
                var d = EntityData.For(partition, r);
                body.Append("--").Append(changeset).Append("\r\n");
                body.Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
                body.Append("POST ").Append(_tableEndpoint).Append('/').Append(table).Append(" HTTP/1.1\r\n");
                body.Append("Accept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\nPrefer: return-no-content\r\n");
                body.Append("Content-Type: application/json\r\n\r\n");
                body.Append("{\"PartitionKey\":\"").Append(d.PartitionKey)
                    .Append("\",\"RowKey\":\"").Append(d.RowKey)
                    .Append("\",\"Name\":\"").Append(d.Name)
                    .Append("\",\"Sku\":\"").Append(d.Sku)
                    .Append("\",\"City\":\"").Append(d.City)
                    .Append("\",\"Quantity\":").Append(d.Quantity.ToString(CultureInfo.InvariantCulture))
                    .Append(",\"Price@odata.type\":\"Edm.Double\",\"Price\":").Append(d.Price.ToString("R", CultureInfo.InvariantCulture))
                    .Append(",\"Total@odata.type\":\"Edm.Double\",\"Total\":").Append(d.Total.ToString("R", CultureInfo.InvariantCulture))
                    .Append("}\r\n");
            }

            body.Append("--").Append(changeset).Append("--\r\n--").Append(batch).Append("--\r\n");

            using var request = new HttpRequestMessage(HttpMethod.Post, _tableEndpoint + "/$batch");
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToString()));
            var contentType = "multipart/mixed; boundary=" + batch;
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            request.Content = content;
            var date = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);
            request.Headers.TryAddWithoutValidation("x-ms-date", date);
            request.Headers.TryAddWithoutValidation("x-ms-version", "2019-02-02");
            request.Headers.TryAddWithoutValidation("DataServiceVersion", "3.0");
            request.Headers.TryAddWithoutValidation("MaxDataServiceVersion", "3.0;NetFx");
            request.Headers.TryAddWithoutValidation("Accept", "application/json;odata=minimalmetadata");
            var stringToSign = "POST\n\n" + contentType + "\n" + date + "\n/" + _account + _batchPath;
            var signature = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));
            request.Headers.TryAddWithoutValidation("Authorization", "SharedKey " + _account + ":" + signature);

            using var response = await _http.SendAsync(request).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Accepted) return $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}";
            return bytes.AsSpan().IndexOf("HTTP/1.1 4"u8) >= 0 || bytes.AsSpan().IndexOf("HTTP/1.1 5"u8) >= 0 ? Encoding.UTF8.GetString(bytes) : null;
        }
    }
}

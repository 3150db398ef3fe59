using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Metering;
using Marketplace.Storage;
using Marketplace.Storage.Metering;
using Marketplace.Storage.Tables;

namespace Marketplace.Benchmarks;

/// <summary>
/// The usage push at volume: N records (default 1,000,000) of one billing day (two days ago in Asia/Shanghai), spread over
/// its 24 hours and many hourly instances, pushed through the HTTP endpoint in 1000-record signed calls by S concurrent
/// senders (default 8); in the same run, the raw rate of writing the same entities (metering_sn claims and record rows,
/// plus the activity rows) in the same table layout straight to Azurite in 100-entity transactions, by the same number of
/// senders. The two alternate in slices so both meet the same table sizes and Azurite state. Then the hourly bill run
/// seals the day (timed), and the server's working set, sampled during ingest, is reported.
/// </summary>
internal static class UsageBenchmark
{
    public const string OptionsHelp = "--records 1000000 --senders 8 --instances 417 --slice 50 --window 30 [--raw-only]";
    private const int PushSize = 1000;
    private const int MaxBatch = 100;

    public static async Task<int> RunAsync(string[] args)
    {
        var total = TablesBenchmark.IntOption(args, "--records", 1_000_000);
        var senders = TablesBenchmark.IntOption(args, "--senders", 8);
        var instanceCount = TablesBenchmark.IntOption(args, "--instances", (int)Math.Ceiling(total / 2400.0));
        var slice = TablesBenchmark.IntOption(args, "--slice", 50);
        var window = TablesBenchmark.IntOption(args, "--window", 30);
        var cs = Environment.GetEnvironmentVariable("Storage__ConnectionString");
        if (string.IsNullOrEmpty(cs))
        {
            Console.Error.WriteLine("Storage__ConnectionString is not set; run through scripts/bench.sh, which starts Azurite.");
            return 1;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime).AddDays(-2);
        var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).ToUniversalTime();
        var perInstanceHour = (int)Math.Ceiling(total / (24.0 * instanceCount));
        var plan = new Plan(total, instanceCount, perInstanceHour, dayStart);
        Console.WriteLine($"usage: {total:N0} records of billing day {day:yyyy-MM-dd} (Asia/Shanghai), {instanceCount} hourly instances x 24 hours x " +
                          $"{perInstanceHour} records, {plan.Pushes} calls of {PushSize}, {senders} concurrent senders, slices of {slice} calls, ingest window {window} s");

        if (args.Contains("--raw-only"))
        {
            var rawOnly = new RawWriter(new TableProvisioner(StorageAccount.Parse(cs), "raw" + Guid.NewGuid().ToString("N")[..8]), zone, "seller-1");
            var ids = Enumerable.Range(0, instanceCount).Select(i => $"bench-{i:D5}").ToArray();
            var elapsed = TimeSpan.Zero;
            for (var first = 0; first < plan.Pushes; first += slice)
            {
                var t = Stopwatch.StartNew();
                await ForEachAsync(Enumerable.Range(first, Math.Min(slice, plan.Pushes - first)).ToList(), senders, async p => await rawOnly.WriteAsync(plan.Records(p, ids)));
                elapsed += t.Elapsed;
                Console.WriteLine($"  raw slice {first}: {Math.Min(slice, plan.Pushes - first) * PushSize / t.Elapsed.TotalSeconds:N0} records/s");
            }

            return 0;
        }

        var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        await using var server = await ServerUnderTest.StartAsync(prefix, new Dictionary<string, string>
        {
            ["Billing__HourlySchedule"] = "off",
            ["Billing__DailySchedule"] = "off",
            ["Billing__RetentionSchedule"] = "off",
            ["Billing__IngestWindow"] = $"00:00:{window:D2}",
            // One seller pushing as fast as it can is the point here: lift the seller-server rate limits.
            ["RateLimits__SellerServer__PermitsPerSecond"] = "1000000",
            ["RateLimits__SellerServer__Burst"] = "1000000",
            ["RateLimits__SellerServer__AddressPermitsPerSecond"] = "1000000",
            ["RateLimits__SellerServer__AddressBurst"] = "1000000",
            ["Logging__LogLevel__Marketplace"] = "Warning",
            ["Logging__Console__LogToStandardErrorThreshold"] = "Warning",
        });
        var setup = Stopwatch.StartNew();
        var (sellerId, accessKey, instances, ops) = await SetUpAsync(server, instanceCount);
        Console.WriteLine($"set-up: seller, product and {instanceCount} instances in {setup.Elapsed.TotalSeconds:F1} s");

        // Raw: the same entities, in the same layout (table names under their own prefix), with the same batching.
        var account = StorageAccount.Parse(cs);
        var raw = new RawWriter(new TableProvisioner(account, "raw" + Guid.NewGuid().ToString("N")[..8]), zone, sellerId);
        using var http = server.Client();
        http.Timeout = TimeSpan.FromMinutes(15);
        var sampler = new MemorySampler(server.ProcessId);
        var rawTime = TimeSpan.Zero;
        var apiTime = TimeSpan.Zero;
        var accepted = 0L;
        for (var first = 0; first < plan.Pushes; first += slice)
        {
            var pushes = Enumerable.Range(first, Math.Min(slice, plan.Pushes - first)).ToList();
            var t = Stopwatch.StartNew();
            await ForEachAsync(pushes, senders, async p => await raw.WriteAsync(plan.Records(p, instances)));
            rawTime += t.Elapsed;

            sampler.Running = true;
            t.Restart();
            await ForEachAsync(pushes, senders, async p =>
            {
                var count = await PushAsync(http, accessKey, plan.Records(p, instances));
                Interlocked.Add(ref accepted, count);
            });
            apiTime += t.Elapsed;
            sampler.Running = false;
            var done = Math.Min(first + slice, plan.Pushes);
            if (done % (slice * Math.Max(1, plan.Pushes / slice / 10)) == 0 || done == plan.Pushes)
            {
                Console.WriteLine($"  {plan.RecordsUpTo(done),9:N0} records: raw {plan.RecordsUpTo(done) / rawTime.TotalSeconds,7:N0}/s, " +
                                  $"endpoint {plan.RecordsUpTo(done) / apiTime.TotalSeconds,7:N0}/s, server working set peak {sampler.PeakMiB:N0} MiB");
            }
        }

        if (accepted != total) Console.Error.WriteLine($"  warning: the endpoint delivered {accepted:N0} of {total:N0} records");

        // Seal the day: every hour is closed and due, nothing is sealed yet (the first run catches up).
        using var runner = server.Client();
        runner.Timeout = TimeSpan.FromMinutes(15);
        runner.DefaultRequestHeaders.Authorization = ops.DefaultRequestHeaders.Authorization;
        var seal = Stopwatch.StartNew();
        var response = await runner.PostAsJsonAsync("/api/ops/bill-runs", new { granularity = "hour" });
        var body = await response.Content.ReadAsStringAsync();
        seal.Stop();
        if (!response.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"bill run failed: {(int)response.StatusCode} {body[..Math.Min(500, body.Length)]}");
            return 1;
        }

        var run = JsonNode.Parse(body)!.AsObject();
        var bills = run["bills"]!.AsArray();
        var sealedRecords = bills.Sum(b => b!["recordCount"]!.GetValue<long>());
        var tableRows = (double)total / UsageKeys.RecordShards;

        var rawRate = total / rawTime.TotalSeconds;
        var apiRate = total / apiTime.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"raw Azurite (same entities, 100-entity transactions): {rawRate:N0} records/s ({rawTime.TotalSeconds:F1} s)");
        Console.WriteLine($"usage endpoint (HTTP, signature, validation, dedupe):  {apiRate:N0} records/s ({apiTime.TotalSeconds:F1} s), {accepted:N0} delivered, {_resends} call(s) resent after a 503");
        Console.WriteLine($"ratio endpoint/raw: {apiRate / rawRate:P1} (target >= 70%)");
        Console.WriteLine($"sealing: {sealedRecords:N0} records into {bills.Count:N0} bills in {seal.Elapsed.TotalSeconds:F1} s, of which the ingest window wait {window} s (target < 120 s)");
        Console.WriteLine($"server working set during ingest: start {sampler.FirstMiB:N0} MiB, peak {sampler.PeakMiB:N0} MiB, last {sampler.LastMiB:N0} MiB ({sampler.Samples} samples)");
        Console.WriteLine($"table sizes: about {tableRows:N0} rows in each of the {UsageKeys.RecordShards} record tables and of the {UsageKeys.SnClaimShards} claim tables of the day");
        return sealedRecords == total ? 0 : 1;
    }

    private static async Task ForEachAsync(List<int> items, int parallelism, Func<int, Task> body) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (item, _) => await body(item));

    private static int _resends;

    /// <summary>
    /// Pushes one call as a seller's server does: a 503 (the server could not store in time) is resent whole with a new ts,
    /// nonce and signature, and records that came back 005/010 then count as delivered. Returns the records delivered.
    /// </summary>
    private static async Task<int> PushAsync(HttpClient http, string accessKey, List<UsageRecord> records)
    {
        var body = Body(records);
        for (var attempt = 1; ; attempt++)
        {
            var (status, text) = await SendAsync(http, accessKey, body);
            if (status == 503 && attempt < 5)
            {
                Interlocked.Increment(ref _resends);
                continue;
            }

            if (status != 200) throw new InvalidOperationException($"push answered {status}: {text[..Math.Min(300, text.Length)]}");
            var answer = JsonNode.Parse(text)!.AsObject();
            var duplicates = answer["abnormal_usage_data"]!.AsArray().Count(a => a!["error_code"]!.GetValue<string>() is "005" or "010");
            if (attempt == 1 && duplicates > 0) throw new InvalidOperationException($"a fresh call reported {duplicates} duplicates");
            return answer["accepted_count"]!.GetValue<int>() + duplicates;
        }
    }

    private static async Task<(int Status, string Text)> SendAsync(HttpClient http, string accessKey, string body)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var nonce = Guid.NewGuid().ToString("N");
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.UTF8.GetBytes($"ts={ts}&nonce={nonce}&body={body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/mkp-openapi-public/global/v1/isv/usage-data")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("signature", signature);
        request.Headers.Add("ts", ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("nonce", nonce);
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The body as a seller's server writes it: compact, keys of each record in ascending order.</summary>
    private static string Body(List<UsageRecord> records)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(records.Count * 220);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("usage_records");
            foreach (var r in records)
            {
                json.WriteStartObject();
                json.WriteString("begin_time", UsageTime.ToText(r.BeginUtc));
                json.WriteString("end_time", UsageTime.ToText(r.EndUtc));
                json.WriteString("instance_id", r.InstanceId);
                json.WriteString("metering_sn", r.MeteringSn);
                json.WriteString("record_time", UsageTime.ToText(r.RecordTimeUtc));
                json.WriteString("usage_value", r.Value.ToString(CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static async Task<(string SellerId, string AccessKey, string[] Instances, HttpClient Ops)> SetUpAsync(ServerUnderTest server, int count)
    {
        var ops = await server.ClientAsAsync("ops-1", "ops");
        var seller = await Json(await ops.PostAsJsonAsync("/api/sellers", new { name = "Bench Metering", productionUrl = "http://127.0.0.1:9/saasproduce" }));
        var sellerId = seller["sellerId"]!.GetValue<string>();
        var sellerClient = await server.ClientAsAsync(sellerId, "seller");
        var product = await Json(await sellerClient.PostAsJsonAsync("/api/products",
            new { name = "Metered API", deliveryType = "saas", chargingMode = "onDemand", usageBilling = "hourly" }));
        var productId = product["productId"]!.GetValue<string>();
        var buyer = await server.ClientAsAsync("buyer-1", "buyer");
        var instances = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var order = await Json(await buyer.PostAsJsonAsync("/api/orders", new { productId }));
            var instance = await Json(await ops.PostAsJsonAsync("/api/dev/metered-instances",
                new { orderId = order["orderId"]!.GetValue<string>(), instanceId = $"bench-{i:D5}-{Guid.NewGuid().ToString("N")[..12]}" }));
            instances[i] = instance["instanceId"]!.GetValue<string>();
        });
        return (sellerId, seller["accessKey"]!.GetValue<string>(), instances, ops);
    }

    private static async Task<JsonObject> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>
    /// Which records make up call <c>p</c>: the day in order of hour, then instance, then position in the hour, so a call
    /// holds 100-record runs of ten instances in one hour (100 records per instance and hour, 36 s apart, 30 s long).
    /// </summary>
    private sealed record Plan(int Total, int Instances, int PerInstanceHour, DateTimeOffset DayStart)
    {
        public int Pushes => (Total + PushSize - 1) / PushSize;

        public long RecordsUpTo(int pushes) => Math.Min((long)pushes * PushSize, Total);

        public List<UsageRecord> Records(int push, string[] instances)
        {
            var list = new List<UsageRecord>(PushSize);
            var step = TimeSpan.FromSeconds(3600.0 / PerInstanceHour);
            for (var s = push * PushSize; s < Math.Min((push + 1) * PushSize, Total); s++)
            {
                var k = s % PerInstanceHour;
                var i = s / PerInstanceHour % Instances;
                var h = s / PerInstanceHour / Instances;
                var begin = DayStart.AddHours(h) + step * k;
                begin = new DateTimeOffset(begin.Ticks - begin.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
                var end = begin.AddSeconds(30);
                list.Add(new UsageRecord(instances[i], begin, end, end, 1 + k % 10 * 0.1m, $"sn-{s:D8}"));
            }

            return list;
        }
    }

    /// <summary>What the ledger writes for a fresh push, written straight to Azurite: activity rows once, claims, record rows.</summary>
    private sealed class RawWriter(TableProvisioner tables, TimeZoneInfo zone, string sellerId)
    {
        private readonly ConcurrentDictionary<(DateOnly, string), byte> _active = new();

        public async Task WriteAsync(List<UsageRecord> records)
        {
            var now = DateTimeOffset.UtcNow;
            var items = records.Select(r =>
            {
                var day = UsageKeys.BillingDayOf(r.BeginUtc, zone);
                return (Record: r, Day: day, Address: UsageKeys.RecordAddress(r.Identity, zone), Claim: UsageKeys.SnClaimAddress(sellerId, r.MeteringSn, day));
            }).ToList();

            var marks = items.Select(x => (x.Day, x.Record.InstanceId)).Distinct().Where(k => !_active.ContainsKey(k)).ToList();
            if (marks.Count > 0)
            {
                var activity = await tables.GetAsync(UsageKeys.ActivityTable, CancellationToken.None);
                foreach (var chunk in marks.GroupBy(k => k.Day).SelectMany(g => g.Chunk(MaxBatch)))
                {
                    await activity.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.UpsertReplace, UsageEntities.Activity(k.Day, k.InstanceId))).ToList());
                }

                foreach (var k in marks) _active.TryAdd(k, 0);
            }

            var claims = items.GroupBy(x => x.Claim.Table + "/" + x.Claim.PartitionKey).SelectMany(g => g.Chunk(MaxBatch))
                .Select(c => (c[0].Claim.Table, Actions: c.Select(x => new TableTransactionAction(TableTransactionActionType.Add, UsageEntities.Claim(x.Claim, x.Record, now))).ToList()));
            await SubmitAllAsync(claims);
            var rows = items.GroupBy(x => x.Address.Table + "/" + x.Address.PartitionKey).SelectMany(g => g.Chunk(MaxBatch))
                .Select(c => (c[0].Address.Table, Actions: c.Select(x => new TableTransactionAction(TableTransactionActionType.Add, UsageEntities.Record(x.Address, x.Record, now))).ToList()));
            await SubmitAllAsync(rows);
        }

        private async Task SubmitAllAsync(IEnumerable<(string Table, List<TableTransactionAction> Actions)> batches) =>
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, ct) =>
                await (await tables.GetAsync(batch.Table, ct)).SubmitTransactionAsync(batch.Actions, ct));
    }

    /// <summary>Samples a process's working set every 100 ms while <see cref="Running"/>.</summary>
    private sealed class MemorySampler
    {
        private readonly Process _process;
        private long _peak;
        private long _first;
        private long _last;

        public MemorySampler(int pid)
        {
            _process = Process.GetProcessById(pid);
            _ = Task.Run(async () =>
            {
                while (!_process.HasExited)
                {
                    if (Running)
                    {
                        _process.Refresh();
                        var ws = _process.WorkingSet64;
                        if (_first == 0) _first = ws;
                        _last = ws;
                        _peak = Math.Max(_peak, ws);
                        Samples++;
                    }

                    await Task.Delay(100);
                }
            });
        }

        public volatile bool Running;

        public int Samples { get; private set; }
        public double PeakMiB => _peak / 1048576.0;
        public double FirstMiB => _first / 1048576.0;
        public double LastMiB => _last / 1048576.0;
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.Usage;

/// <summary>
/// A seller with its access key, a buyer, ops, and on-demand instances, plus a seller server's usage push as KooGallery
/// documents it: compact JSON with each record's keys in ascending order, signed with
/// base64(HMAC-SHA256(access key, "ts={ts}&amp;nonce={nonce}&amp;body={body}")).
/// </summary>
public sealed class UsageMarket
{
    public const string PushPath = "/api/mkp-openapi-public/global/v1/isv/usage-data";

    private readonly Func<string, string, Task<HttpClient>> _clientAs;
    private readonly Dictionary<string, string> _products = [];

    private UsageMarket(Func<string, string, Task<HttpClient>> clientAs, HttpClient anonymous, TimeSpan clockOffset)
    {
        _clientAs = clientAs;
        Anonymous = anonymous;
        ClockOffset = clockOffset;
    }

    public HttpClient Ops { get; private set; } = null!;
    public HttpClient Seller { get; private set; } = null!;
    public HttpClient Buyer { get; private set; } = null!;
    public HttpClient OtherBuyer { get; private set; } = null!;
    public HttpClient Anonymous { get; }
    public string SellerId { get; private set; } = null!;
    public string AccessKey { get; private set; } = null!;

    /// <summary>How far the server's clock is from the real one (Dev:ClockOffset); pushes sign with the server's time.</summary>
    public TimeSpan ClockOffset { get; }

    public DateTimeOffset ServerNow => DateTimeOffset.UtcNow + ClockOffset;

    public static async Task<UsageMarket> OpenAsync(Func<string, string, Task<HttpClient>> clientAs, HttpClient anonymous, TimeSpan clockOffset = default)
    {
        var market = new UsageMarket(clientAs, anonymous, clockOffset);
        market.Ops = await clientAs("ops-1", "ops");
        (market.SellerId, market.AccessKey) = await market.RegisterSellerAsync("Metered Co");
        market.Seller = await clientAs(market.SellerId, "seller");
        market.Buyer = await clientAs("buyer-1", "buyer");
        market.OtherBuyer = await clientAs("buyer-2", "buyer");
        return market;
    }

    /// <summary>The same parties on another server (a restart): fresh tokens for the same subjects, the same seller key.</summary>
    public async Task<UsageMarket> ReopenAsync(Func<string, string, Task<HttpClient>> clientAs, HttpClient anonymous, TimeSpan clockOffset)
    {
        var market = new UsageMarket(clientAs, anonymous, clockOffset) { SellerId = SellerId, AccessKey = AccessKey };
        market.Ops = await clientAs("ops-1", "ops");
        market.Seller = await clientAs(SellerId, "seller");
        market.Buyer = await clientAs("buyer-1", "buyer");
        market.OtherBuyer = await clientAs("buyer-2", "buyer");
        return market;
    }

    /// <summary>A client of a server process holding a dev token for the subject and role.</summary>
    public static Func<string, string, Task<HttpClient>> ClientsOf(ServerProcess server) => async (subject, role) =>
    {
        var client = server.CreateClient();
        var token = await (await client.PostAsJsonAsync("/api/dev/tokens", new { subject, roles = new[] { role } })).JsonAsync();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token["token"]!.GetValue<string>());
        return client;
    };

    /// <summary>Waits until the hourly runs have sealed through <paramref name="through"/> and none is under way.</summary>
    public async Task<JsonObject> SealedThroughAsync(DateTimeOffset through, string granularity = "hour") =>
        await Market.EventuallyAsync(
            async () => await (await Ops.GetAsync($"/api/ops/bill-runs/{granularity}")).JsonAsync(),
            s => s["sealedThrough"]?.GetValue<DateTimeOffset>() == through && s["runningSince"] is null,
            TimeSpan.FromSeconds(30), $"the {granularity} runs to seal through {through:O}");

    public async Task<(string SellerId, string AccessKey)> RegisterSellerAsync(string name)
    {
        var seller = await (await Ops.PostAsJsonAsync("/api/sellers", new { name, productionUrl = "http://127.0.0.1:9/saasproduce" })).JsonAsync(201);
        return (seller["sellerId"]!.GetValue<string>(), seller["accessKey"]!.GetValue<string>());
    }

    public Task<HttpClient> ClientAsync(string subject, string role) => _clientAs(subject, role);

    /// <summary>An active on-demand instance of a product billed <paramref name="usageBilling"/> (hourly or daily), bought by the buyer.</summary>
    public async Task<string> InstanceAsync(string usageBilling = "hourly", HttpClient? seller = null, HttpClient? buyer = null)
    {
        seller ??= Seller;
        var key = $"{seller.DefaultRequestHeaders.Authorization}|{usageBilling}";
        if (!_products.TryGetValue(key, out var productId))
        {
            var product = await (await seller.PostAsJsonAsync("/api/products",
                new { name = $"Metered API ({usageBilling})", deliveryType = "saas", chargingMode = "onDemand", usageBilling })).JsonAsync(201);
            _products[key] = productId = product["productId"]!.GetValue<string>();
        }

        var order = await (await (buyer ?? Buyer).PostAsJsonAsync("/api/orders", new { productId })).JsonAsync(201);
        var instance = await (await Ops.PostAsJsonAsync("/api/dev/metered-instances", new { orderId = order["orderId"]!.GetValue<string>() })).JsonAsync(201);
        return instance["instanceId"]!.GetValue<string>();
    }

    /// <summary>A record as a seller sends it; the value as a string, as KooGallery's examples do.</summary>
    public static SortedDictionary<string, string> Record(string instanceId, DateTimeOffset begin, TimeSpan length, decimal value, string? sn = null) =>
        new(StringComparer.Ordinal)
        {
            ["begin_time"] = Time(begin),
            ["end_time"] = Time(begin + length),
            ["instance_id"] = instanceId,
            ["metering_sn"] = sn ?? Guid.NewGuid().ToString("N"),
            ["record_time"] = Time(begin + length),
            ["usage_value"] = value.ToString(CultureInfo.InvariantCulture),
        };

    /// <summary><paramref name="count"/> back-to-back records of <paramref name="length"/> from <paramref name="start"/>, values 0.0001 to 9.9999.</summary>
    public static List<SortedDictionary<string, string>> Records(string instanceId, DateTimeOffset start, int count, TimeSpan length) =>
        Enumerable.Range(0, count).Select(i => Record(instanceId, start + length * i, length, 1 + (i % 9) + (i % 7) * 0.1234m)).ToList();

    public static string Body(IEnumerable<SortedDictionary<string, string>> records) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["usage_records"] = records.ToList() });

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string Sign(string key, long ts, string nonce, string body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"ts={ts}&nonce={nonce}&body={body}")));

    public long Ts(TimeSpan? skew = null) => (ServerNow + (skew ?? TimeSpan.Zero)).ToUnixTimeMilliseconds();

    /// <summary>Pushes a body signed with the seller's key (or as told).</summary>
    public async Task<HttpResponseMessage> PushAsync(string body, string? nonce = null, long? ts = null, string? key = null, string? signature = null)
    {
        nonce ??= Guid.NewGuid().ToString();
        var stamp = ts ?? Ts();
        using var request = new HttpRequestMessage(HttpMethod.Post, PushPath)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("signature", signature ?? Sign(key ?? AccessKey, stamp, nonce, body));
        request.Headers.Add("ts", stamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("nonce", nonce);
        return await Anonymous.SendAsync(request);
    }

    public async Task<JsonObject> PushOkAsync(IEnumerable<SortedDictionary<string, string>> records) =>
        await (await PushAsync(Body(records))).JsonAsync();

    public async Task<JsonObject> RunBillsAsync(string granularity = "hour") =>
        await (await Ops.PostAsJsonAsync("/api/ops/bill-runs", new { granularity })).JsonAsync();

    public async Task<JsonArray> BillsAsync(string instanceId, HttpClient? caller = null, DateTimeOffset? from = null)
    {
        var url = $"/api/bills?instanceId={Uri.EscapeDataString(instanceId)}";
        if (from is { } f) url += $"&from={Uri.EscapeDataString(f.ToString("O", CultureInfo.InvariantCulture))}";
        var response = await (caller ?? Ops).GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    public async Task<JsonObject> BillRecordsAsync(string billId, HttpClient? caller = null) =>
        await (await (caller ?? Ops).GetAsync($"/api/bills/{billId}/records")).JsonAsync();

    public static decimal Sum(IEnumerable<SortedDictionary<string, string>> records) =>
        records.Sum(r => decimal.Parse(r["usage_value"], CultureInfo.InvariantCulture));

    /// <summary>The start of the UTC hour <paramref name="hoursAgo"/> before <paramref name="now"/> (Shanghai hours are UTC hours).</summary>
    public static DateTimeOffset HourStart(DateTimeOffset now, int hoursAgo)
    {
        var floor = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        return floor.AddHours(-hoursAgo);
    }
}

using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Marketplace.FakeSeller;

namespace Marketplace.Soak;

/// <summary>A seller: its token, its base access key (usage pushes are signed with it) and one product of each kind.</summary>
internal sealed record SellerSide(string SellerId, string AccessKey, Party Party, string ManualProduct, string SaasProduct, string HourlyProduct, string DailyProduct);

/// <summary>The parties of the soak and the fake seller server that plays every seller's production interface.</summary>
internal sealed class World
{
    private World(Party ops, Party reviewer, IReadOnlyList<SellerSide> sellers, IReadOnlyList<Party> buyers, FakeSellerServer fake)
    {
        Ops = ops;
        Reviewer = reviewer;
        Sellers = sellers;
        Buyers = buyers;
        Fake = fake;
    }

    public Party Ops { get; }
    public Party Reviewer { get; }
    public IReadOnlyList<SellerSide> Sellers { get; }
    public IReadOnlyList<Party> Buyers { get; }
    public FakeSellerServer Fake { get; }

    public SellerSide Seller(string sellerId) => Sellers.First(s => s.SellerId == sellerId);

    /// <summary>Tokens, sellers registered on the fake seller's URL, their products. The fake accepts every seller's key.</summary>
    public static async Task<World> SetUpAsync(Api api, FakeSellerServer fake, int buyers, int sellers)
    {
        var ops = await TokenAsync(api, "soak-ops", "ops");
        var reviewer = await TokenAsync(api, "soak-reviewer", "reviewer");
        var sides = new List<SellerSide>();
        for (var i = 0; i < sellers; i++)
        {
            var registered = (await api.PostAsync(ops, "/api/sellers", new { name = $"Soak Seller {i + 1}", productionUrl = fake.ProductionUrl.ToString() })).Expect(201);
            var sellerId = registered.Str("sellerId");
            var party = await TokenAsync(api, sellerId, "seller");
            async Task<string> Product(string name, string deliveryType, string chargingMode, string? usageBilling = null) =>
                (await api.PostAsync(party, "/api/products", new { name, deliveryType, chargingMode, usageBilling })).Expect(201).Str("productId");
            sides.Add(new SellerSide(sellerId, registered.Str("accessKey"), party,
                await Product("Migration service", "manualService", "oneTime"),
                await Product("Team wiki", "saas", "period"),
                await Product("Metered API (hourly)", "saas", "onDemand", "hourly"),
                await Product("Metered storage (daily)", "saas", "onDemand", "daily")));
        }

        fake.SetAccessKeys([.. sides.Select(s => s.AccessKey)]);
        var people = new List<Party>();
        for (var i = 0; i < buyers; i++) people.Add(await TokenAsync(api, $"soak-buyer-{i + 1}", "buyer"));
        return new World(ops, reviewer, sides, people, fake);
    }

    private static async Task<Party> TokenAsync(Api api, string subject, string role)
    {
        var body = JsonSerializer.Serialize(new { subject, roles = new[] { role } });
        var reply = (await api.SendAsync("POST /api/dev/tokens", () => new HttpRequestMessage(HttpMethod.Post, "/api/dev/tokens")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        })).Expect(200);
        return new Party(subject, role, reply.Str("token"));
    }
}

/// <summary>What one supervision case should end as, written by its flow as it goes.</summary>
internal sealed class CaseExpectation(string caseId, string orderId, string buyerId, string sellerId, string scenario)
{
    public string CaseId { get; } = caseId;
    public string OrderId { get; } = orderId;
    public string BuyerId { get; } = buyerId;
    public string SellerId { get; } = sellerId;
    public string Scenario { get; } = scenario;
    public List<string> Path { get; } = [];
    public string? ExpectedState { get; set; }
    public int Rejections { get; set; }
}

/// <summary>What one SaaS order should end as: its status, its instance, and how many calls of each activity it made.</summary>
internal sealed class OrderExpectation(string orderId, string orderLineId, string buyerId, string sellerId, bool metered)
{
    public string OrderId { get; } = orderId;
    public string OrderLineId { get; } = orderLineId;
    public string BuyerId { get; } = buyerId;
    public string SellerId { get; } = sellerId;
    public bool Metered { get; } = metered;
    public List<string> Path { get; } = [];
    public string? ExpectedStatus { get; set; }
    public string? InstanceId { get; set; }
    public string? ManualInstanceId { get; set; }
    public string? LeftParkedCallId { get; set; }
    public int Renewals { get; set; }
    public DateTimeOffset? ExpireTime { get; set; }
    public int StatusChanges { get; set; }
    public bool Released { get; set; }
}

/// <summary>Everything the flows did, for the checks at the end.</summary>
internal sealed class Ledger
{
    public ConcurrentQueue<CaseExpectation> Cases { get; } = new();
    public ConcurrentQueue<OrderExpectation> Orders { get; } = new();

    /// <summary>Every usage record the platform accepted (sn → instance): each must be in exactly one sealed bill.</summary>
    public ConcurrentDictionary<string, string> AcceptedUsage { get; } = new(StringComparer.Ordinal);

    /// <summary>Deliberate duplicates the platform refused (sn → instance): none may be billed.</summary>
    public ConcurrentDictionary<string, string> RefusedUsage { get; } = new(StringComparer.Ordinal);

    /// <summary>Metered instances that received pushes.</summary>
    public ConcurrentDictionary<string, string> MeteredInstances { get; } = new(StringComparer.Ordinal);

    private long _pushes;
    public long Pushes => Interlocked.Read(ref _pushes);
    public void Pushed() => Interlocked.Increment(ref _pushes);
}

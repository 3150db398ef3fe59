using System.Globalization;
using System.Text.Json;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;
using Marketplace.Core.Timers;
using Marketplace.Core.Work;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.DialTests;

/// <summary>
/// Conformance runs and dial tests (§7.6): the debug cases of every activity a product needs, sent with
/// <c>testFlag</c> "1" on the mock orders of §7.5 (line <c>-000001</c>), one after the other, each once (a dial test
/// reports; it does not retry). A case passes on HTTP 200 with 000000 (newInstance: also 000004, "processing").
/// <list type="bullet">
/// <item>period and one-time products: newInstance, queryInstance, refreshInstance (RENEWAL), updateInstanceStatus FREEZE
///   and UNFREEZE, releaseInstance (P17: create/query/update/status/release);</item>
/// <item>on-demand products: newInstance, queryInstance, releaseInstance.</item>
/// </list>
/// Runs go through the work queue (started by the seller, or by the timer twice a day for every SaaS product that is
/// not frozen); the timer's runs feed each product's <see cref="DialTestRecord"/>.
/// </summary>
public sealed class ConformanceService
{
    public const string RunsKind = "conformanceruns";
    public const string RecordsKind = "dialtests";
    public const string RunTopic = "dialtests.run";
    public const string ResultTopic = "dialtests.result";
    public const string FreezeTopic = "products.freeze";

    private readonly AggregateRunner _runner;
    private readonly IAggregateStore _store;
    private readonly CatalogueService _catalogue;
    private readonly SellerDirectory _sellers;
    private readonly ISellerTransport _transport;
    private readonly INonceSource _nonces;
    private readonly IOptions<SellerCallOptions> _callOptions;
    private readonly IOptions<DialTestOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ConformanceService> _logger;

    public ConformanceService(
        AggregateRunner runner, IAggregateStore store, CatalogueService catalogue, SellerDirectory sellers, ISellerTransport transport,
        INonceSource nonces, IOptions<SellerCallOptions> callOptions, IOptions<DialTestOptions> options, TimeProvider time,
        ILogger<ConformanceService> logger)
    {
        _runner = runner;
        _store = store;
        _catalogue = catalogue;
        _sellers = sellers;
        _transport = transport;
        _nonces = nonces;
        _callOptions = callOptions;
        _options = options;
        _time = time;
        _logger = logger;
        Runs = new AggregateDefinition<ConformanceRun, ConformanceEvent>
        {
            Kind = RunsKind,
            Apply = ConformanceRules.Apply,
            StateName = r => r.Status,
            Tags = r => new Dictionary<string, string> { ["productId"] = r.ProductId, ["sellerId"] = r.SellerId, ["status"] = r.Status },
            Outbox = (r, e) => e switch
            {
                ConformanceRunStarted => [(RunTopic, new ConformanceRunMessage(r.RunId))],
                ConformanceRunCompleted c when r.Trigger == "schedule" => [(ResultTopic, new DialTestResultMessage(r.ProductId, r.SellerId, r.Day, c.Passed, r.RunId))],
                _ => [],
            },
        };
        Records = new AggregateDefinition<DialTestRecord, DialTestEvent>
        {
            Kind = RecordsKind,
            Apply = DialTestRules.Apply,
            StateName = r => r.ConsecutiveFailedDays == 0 ? "passing" : $"failing-{r.ConsecutiveFailedDays}d",
            Tags = r => new Dictionary<string, string> { ["sellerId"] = r.SellerId },
            Outbox = (r, e) => e switch
            {
                DialTestFreezeTriggered f => [(FreezeTopic, new FreezeProductMessage(r.ProductId, r.SellerId,
                    $"Dial tests of the production interface failed on {f.ConsecutiveFailedDays} consecutive days ({string.Join(", ", f.Days)})", f.At))],
                _ => [],
            },
        };
    }

    public AggregateDefinition<ConformanceRun, ConformanceEvent> Runs { get; }

    public AggregateDefinition<DialTestRecord, DialTestEvent> Records { get; }

    /// <summary>The seller starts a run of one of its SaaS products; it runs on the work queue.</summary>
    public async Task<ConformanceRun> StartAsync(string productId, Actor seller, CancellationToken ct)
    {
        var product = await OwnProductAsync(productId, seller, ct);
        if (product.DeliveryType != OrderInstanceRules.Saas)
            throw new DomainException(DomainError.Conflict("product.not-saas", "Only instant SaaS products have a production interface to test."));
        var now = _time.GetUtcNow();
        return await StartRunAsync(product, "CR" + CatalogueService.NewId(12), "seller", now, ct);
    }

    /// <summary>The timer's run of a product for one occurrence; starting it again (a catch-up) changes nothing.</summary>
    public Task<ConformanceRun> StartScheduledAsync(Product product, DateTimeOffset occurrence, CancellationToken ct) =>
        StartRunAsync(product, $"DT{product.ProductId}-{occurrence.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}", "schedule", occurrence, ct);

    /// <summary>Every SaaS product on sale (not frozen): the timer's targets.</summary>
    public async IAsyncEnumerable<Product> ProductsOnSaleAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var record in _store.QueryAsync(CatalogueService.Products.Kind, null, ct))
        {
            var product = JsonSerializer.Deserialize<Product>(record.StateJson, CatalogueService.Products.Json)!;
            if (product.DeliveryType == OrderInstanceRules.Saas && !product.Frozen) yield return product;
        }
    }

    public async Task<ConformanceRun> GetAsync(string productId, string runId, Actor actor, CancellationToken ct)
    {
        var run = (await _runner.LoadAsync(Runs, runId, ct))?.State;
        if (run is null || run.ProductId != productId || !(actor.Role is Role.Ops or Role.System || (actor.Role == Role.Seller && run.SellerId == actor.Id)))
            throw new DomainException(DomainError.NotFound("conformance.not-found", $"Product {productId} has no conformance run {runId}."));
        return run;
    }

    public async Task<IReadOnlyList<ConformanceRun>> ListAsync(string productId, Actor actor, CancellationToken ct)
    {
        if (actor.Role == Role.Seller) await OwnProductAsync(productId, actor, ct);
        var runs = new List<ConformanceRun>();
        await foreach (var record in _store.QueryAsync(RunsKind, new Dictionary<string, string> { ["productId"] = productId }, ct))
            runs.Add(JsonSerializer.Deserialize<ConformanceRun>(record.StateJson, Runs.Json)!);
        return runs.OrderByDescending(r => r.CreatedAt).ToList();
    }

    public async Task<DialTestRecord?> GetRecordAsync(string productId, CancellationToken ct) =>
        (await _runner.LoadAsync(Records, productId, ct))?.State;

    /// <summary>Outbox handler body: runs the cases of a started run and stores the report. A finished run is left alone.</summary>
    public async Task ExecuteAsync(string runId, CancellationToken ct)
    {
        var run = (await _runner.LoadAsync(Runs, runId, ct))?.State;
        if (run is not { Status: "running" }) return;
        var seller = await _sellers.FindAsync(run.SellerId, ct);
        var cases = seller is null
            ? [new ConformanceCase("seller", "", false, "", null, null, null, $"Seller {run.SellerId} does not exist.", 0)]
            : await RunCasesAsync(run, seller, ct);
        var result = await _runner.ExecuteAsync(Runs, runId, Actor.Platform, (state, now) => ConformanceRules.Complete(state, cases, now), ct);
        if (result.Error is { } error) throw new DomainException(error);
        _logger.LogInformation("Conformance run {RunId} of product {ProductId}: {Status} ({Passed}/{Total} cases)",
            runId, run.ProductId, result.State?.Status, cases.Count(c => c.Passed), cases.Count);
    }

    /// <summary>Outbox handler body: a scheduled run's result goes into the product's record (which may trigger a freeze).</summary>
    public async Task RecordResultAsync(DialTestResultMessage message, CancellationToken ct)
    {
        var threshold = _options.Value.FailedDaysToFreeze;
        var result = await _runner.ExecuteAsync(Records, message.ProductId, Actor.Platform,
            (state, now) => DialTestRules.Record(state, message, threshold, now), ct);
        if (result.Error is { } error) throw new DomainException(error);
    }

    /// <summary>The day (in the dial-test time zone) a moment belongs to.</summary>
    public string DayOf(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, _options.Value.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The activities a product's production interface must answer, by charging mode (§7.5 "which interfaces are required").</summary>
    public static IReadOnlyList<(string Name, string Activity)> CasesFor(ChargingMode mode) => mode == ChargingMode.OnDemand
        ? [("newInstance", SellerActivities.NewInstance), ("queryInstance", SellerActivities.QueryInstance), ("releaseInstance", SellerActivities.ReleaseInstance)]
        :
        [
            ("newInstance", SellerActivities.NewInstance), ("queryInstance", SellerActivities.QueryInstance),
            ("refreshInstance RENEWAL", SellerActivities.RefreshInstance), ("updateInstanceStatus FREEZE", SellerActivities.UpdateInstanceStatus),
            ("updateInstanceStatus UNFREEZE", SellerActivities.UpdateInstanceStatus), ("releaseInstance", SellerActivities.ReleaseInstance),
        ];

    /// <summary>The mock order of §7.5 for a charging mode.</summary>
    public static string MockOrderFor(ChargingMode mode) => mode switch
    {
        ChargingMode.Period => "MOCKPERIODYEARNEW",
        ChargingMode.OneTime => "MOCKONETIMENEW",
        _ => "MOCKONDEMAND",
    };

    private async Task<ConformanceRun> StartRunAsync(Product product, string runId, string trigger, DateTimeOffset at, CancellationToken ct)
    {
        var run = new ConformanceRun
        {
            RunId = runId,
            ProductId = product.ProductId,
            SellerId = product.SellerId,
            Trigger = trigger,
            Day = DayOf(at),
            MockOrderId = MockOrderFor(product.ChargingMode),
            Activities = CasesFor(product.ChargingMode).Select(c => c.Name).ToList(),
            CreatedAt = _time.GetUtcNow(),
        };
        var result = await _runner.ExecuteAsync(Runs, runId, trigger == "seller" ? new Actor(product.SellerId, Role.Seller) : Actor.Platform,
            (state, _) => ConformanceRules.Start(state, run), ct);
        if (result.Error is { } error) throw new DomainException(error);
        return result.State!;
    }

    private async Task<List<ConformanceCase>> RunCasesAsync(ConformanceRun run, Seller seller, CancellationToken ct)
    {
        var mock = run.MockOrderId;
        var line = mock + "-000001";
        var now = _time.GetUtcNow();
        var cases = new List<ConformanceCase>();
        string? instanceId = null;
        foreach (var name in run.Activities)
        {
            SellerRequest request;
            if (name == "newInstance")
            {
                request = SellerRequest.NewInstance(mock, line, _nonces.NewBusinessId(), test: true);
            }
            else if (instanceId is null)
            {
                cases.Add(new ConformanceCase(name, name.Split(' ')[0], false, "", null, null, null, "not sent: newInstance returned no instanceId", 0));
                continue;
            }
            else
            {
                request = name switch
                {
                    "queryInstance" => SellerRequest.QueryInstance([instanceId], test: true),
                    "refreshInstance RENEWAL" => SellerRequest.RefreshInstance(RefreshScene.Renewal, "MOCKMONTYRENEW", "MOCKMONTYRENEW-000001", instanceId, now.AddYears(1), test: true),
                    "updateInstanceStatus FREEZE" => SellerRequest.UpdateInstanceStatus(instanceId, InstanceStatusChange.Freeze, test: true),
                    "updateInstanceStatus UNFREEZE" => SellerRequest.UpdateInstanceStatus(instanceId, InstanceStatusChange.Unfreeze, test: true),
                    "releaseInstance" => SellerRequest.ReleaseInstance(instanceId, "MOCKMONTYUNSUBSCRIBE", "MOCKMONTYUNSUBSCRIBE-000001", test: true),
                    _ => throw new InvalidOperationException($"Unknown conformance case {name}."),
                };
            }

            var key = seller.OutboundKey.AccessKey;
            var signed = SellerRequestSigner.Sign(request, new Uri(seller.ProductionUrl), key, _nonces.NewNonce(), _time.GetUtcNow().ToUnixTimeMilliseconds());
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var response = await _transport.SendAsync(signed, _callOptions.Value.Timeout, ct);
            var latency = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var outcome = SellerResponseClassifier.Classify(request.Activity, response, key);
            var passed = outcome.IsSuccess || (name == "newInstance" && outcome.Kind == SellerOutcomeKind.InProgress);
            if (name == "newInstance" && passed) instanceId = outcome.InstanceId ?? request.BusinessId;
            cases.Add(new ConformanceCase(name, request.Activity, passed, request.Body, outcome.HttpStatus, outcome.ResultCode, outcome.ResultMsg,
                outcome.Error, latency));
        }

        return cases;
    }

    private async Task<Product> OwnProductAsync(string productId, Actor seller, CancellationToken ct)
    {
        var product = await _catalogue.GetProductAsync(productId, ct);
        if (seller.Role == Role.Seller && product.SellerId != seller.Id)
            throw new DomainException(DomainError.NotFound("product.not-found", $"Product {productId} does not exist."));
        return product;
    }
}

/// <summary>Runs a started conformance run.</summary>
public sealed class ConformanceRunHandler(ConformanceService service) : IOutboxHandler
{
    public string Topic => ConformanceService.RunTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        service.ExecuteAsync(item.Read<ConformanceRunMessage>().RunId, ct);
}

/// <summary>Records a scheduled run's result on the product's dial-test record.</summary>
public sealed class DialTestResultHandler(ConformanceService service) : IOutboxHandler
{
    public string Topic => ConformanceService.ResultTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        service.RecordResultAsync(item.Read<DialTestResultMessage>(), ct);
}

/// <summary>Freezes a product whose dial tests kept failing, and tells ops and the seller.</summary>
public sealed class FreezeProductHandler(ProductStatusService products) : IOutboxHandler
{
    public string Topic => ConformanceService.FreezeTopic;

    public async Task HandleAsync(WorkItem item, CancellationToken ct)
    {
        var m = item.Read<FreezeProductMessage>();
        await products.FreezeAsync(m.ProductId, Actor.Platform, m.Reason, m.At, ct);
    }
}

/// <summary>The dial-test timer: twice a day (<c>DialTests:Schedule</c> in <c>DialTests:TimeZone</c>) a run for every SaaS product on sale.</summary>
public sealed class DialTestCronJob(ConformanceService service, IOptions<DialTestOptions> options, ILogger<DialTestCronJob> logger) : ICronJob
{
    public string Name => "dial-tests";

    public string Schedule => options.Value.Schedule;

    public TimeZoneInfo TimeZone => options.Value.Zone;

    public async Task RunAsync(DateTimeOffset occurrence, CancellationToken ct)
    {
        if (!options.Value.Enabled) return;
        var count = 0;
        await foreach (var product in service.ProductsOnSaleAsync(ct))
        {
            await service.StartScheduledAsync(product, occurrence, ct);
            count++;
        }

        logger.LogInformation("Dial tests for {Occurrence:O}: {Count} product(s)", occurrence, count);
    }
}

using System.Diagnostics;
using System.Globalization;
using Marketplace.FakeSeller;
using Marketplace.Storage;

namespace Marketplace.Soak;

/// <summary>
/// The soak, start to end: the server on Azurite and the fake seller; N clients running flows for the load time while
/// the server is SIGKILLed and restarted and the seller goes down in stretches; the bill runs (still under kills); the
/// drain (seller up, parked calls retried by their sellers); the checks; one line of figures.
/// </summary>
internal static class Soak
{
    public static async Task<int> RunAsync(SoakOptions o)
    {
        var connectionString = Environment.GetEnvironmentVariable("Storage__ConnectionString");
        if (string.IsNullOrEmpty(connectionString))
        {
            Console.Error.WriteLine("Storage__ConnectionString is not set; run through scripts/soak.sh, which starts Azurite.");
            return 2;
        }

        var runId = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var logDirectory = Path.GetFullPath(Environment.GetEnvironmentVariable("SOAK_LOG_DIR") ?? Path.Combine("artifacts", "soak"));
        Directory.CreateDirectory(logDirectory);
        var logPath = Path.Combine(logDirectory, $"soak-{runId}.log");
        await using var log = new StreamWriter(logPath) { AutoFlush = true };
        var prefix = "soak" + Guid.NewGuid().ToString("N")[..8];
        var figures = new Figures();
        var violations = new Violations(log);
        void Say(string line)
        {
            var text = $"[{DateTime.Now:HH:mm:ss}] {line}";
            Console.WriteLine(text);
            lock (log) log.WriteLine(text);
        }

        await using var host = new ServerHost(connectionString, prefix, Path.Combine(logDirectory, $"server-{runId}.log"));
        Say($"soak: {o.Duration.TotalMinutes:0.##} min of load, {o.Clients} buyers, {o.Sellers} sellers, seed {o.Seed}, kills every {o.KillEvery.Min:0.#}-{o.KillEvery.Max:0.#} s, " +
            $"seller down {o.SellerDown.Min:0.#}-{o.SellerDown.Max:0.#} s every {o.SellerUp.Min:0.#}-{o.SellerUp.Max:0.#} s; storage prefix {prefix}, server on {host.BaseUrl}");
        Say("server settings: " + string.Join(" ", host.Settings));
        Say($"logs: {logPath} and server-{runId}.log beside it; machine load (1 min) {LoadAverage()}");
        await host.StartAsync(CancellationToken.None);

        await using var fake = await FakeSellerServer.StartAsync("soak-placeholder-key-until-sellers-register");
        using var api = new Api(host, figures, violations);
        var world = await World.SetUpAsync(api, fake, o.Clients, o.Sellers);
        var ledger = new Ledger();
        var faults = new Faults(host, fake, o, new Random(o.Seed - 1), violations, figures, Say);

        using var stopKills = new CancellationTokenSource();
        using var stopSellerFaults = new CancellationTokenSource();
        var killing = faults.KillLoopAsync(stopKills.Token);
        var sellerDowntime = faults.SellerLoopAsync(stopSellerFaults.Token);
        var clock = Stopwatch.StartNew();
        using var loadOver = new CancellationTokenSource(o.Duration);
        var flowsDone = 0;
        var flowsFailed = 0;
        async Task ClientAsync(int i)
        {
            var random = new Random(unchecked(o.Seed * 1009 + i));
            var flows = new Flows(api, world, ledger, figures, violations, random);
            while (!loadOver.IsCancellationRequested)
            {
                try
                {
                    await flows.RunOneAsync(world.Buyers[i], world.Sellers[random.Next(world.Sellers.Count)]);
                    Interlocked.Increment(ref flowsDone);
                }
                catch (SoakFailure e)
                {
                    Interlocked.Increment(ref flowsFailed);
                    violations.Add("flow", e.Message);
                }
            }
        }

        var clients = Task.WhenAll(Enumerable.Range(0, o.Clients).Select(ClientAsync));
        while (await Task.WhenAny(clients, Task.Delay(TimeSpan.FromSeconds(30))) != clients)
        {
            Say($"{Elapsed(clock.Elapsed)}{(loadOver.IsCancellationRequested ? " (finishing flows)" : "")}: {figures.Operations} operations, {flowsDone} flows done, " +
                $"{host.Kills} kills, {host.Recoveries} recoveries, {figures.SellerDowntimes} seller downtimes, {ledger.Pushes} usage pushes, {violations.Count} violations; load {LoadAverage()}");
        }

        await clients;
        var loadTime = clock.Elapsed;
        Say($"load over after {Elapsed(loadTime)} ({Elapsed(o.Duration)} of new flows, then the flows under way finished): {flowsDone} flows done, {flowsFailed} failed");

        await stopSellerFaults.CancelAsync();
        await sellerDowntime;
        await stopKills.CancelAsync();
        await killing;
        Say("the seller is up for good; bill runs, each killed once");
        await PhaseAsync("bill-run", violations, () => BillRunsAsync(api, world, faults, violations, Say));
        Say($"kills stopped ({host.Kills} kills, {host.Recoveries} recoveries, longest recovery {host.LongestRecovery.TotalSeconds:F1} s); draining the seller calls");
        var checks = new Checks(api, world, ledger, violations, StorageAccount.Parse(connectionString), prefix);
        await PhaseAsync("drain", violations, () => DrainAsync(api, world, ledger, checks, violations, Say));
        await PhaseAsync("checks", violations, () => checks.RunAsync(what => Say("checking " + what)));

        var byKind = violations.Items.GroupBy(v => v.Kind).Select(g => $"{g.Key} {g.Count()}");
        Say($"flows: {ledger.Cases.Count} cases, {ledger.Orders.Count(x => !x.Metered)} SaaS orders, {ledger.Orders.Count(x => x.Metered)} metered instances " +
            $"({ledger.Pushes} usage pushes, {ledger.AcceptedUsage.Count} records accepted, {ledger.RefusedUsage.Count} duplicates refused); " +
            $"{figures.UnknownOutcomes} answers lost to kills, {figures.Replays} idempotent replays, {figures.InProgressWaits} waits on a key in progress, " +
            $"{figures.ResolvedByRead} outcomes read back; {figures.SellerDowntimes} seller downtimes");
        Say("paths: " + Paths(ledger));
        foreach (var (kind, detail) in violations.Items.Take(200)) Console.WriteLine($"  violation {kind}: {detail}");
        if (violations.Count > 0) Console.WriteLine($"  by kind: {string.Join(", ", byKind)}");
        var line = $"soak: {Elapsed(loadTime)}, {figures.Operations} operations, {host.Kills} kills, {host.Recoveries} recoveries, {violations.Count} violations";
        Console.WriteLine(line);
        lock (log) log.WriteLine(line);
        return violations.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// Seals the hourly and the daily periods with the records pushed during the load. Each run is killed once at a random
    /// moment (a run cannot finish under the load's rhythm of kills: it waits Billing:IngestWindow after its cutoff): the
    /// repeat of the request takes the run over once the dead run's lease (Billing:RunLease) has passed. Then each run
    /// is asked again, and must seal nothing.
    /// </summary>
    private static async Task BillRunsAsync(Api api, World world, Faults faults, Violations violations, Action<string> say)
    {
        foreach (var granularity in new[] { "hour", "day" })
        {
            var run = BillRunAsync(api, world, granularity);
            if (await Task.WhenAny(run, Task.Delay(faults.Seconds((1, 12)))) != run) await faults.KillOnceAsync();
            var sealedBills = await run;
            var again = await BillRunAsync(api, world, granularity);
            say($"bill run ({granularity}): {sealedBills} bills sealed; run again: {again} bills");
            if (again != 0) violations.Add("bill-run", $"the {granularity} bill run sealed {again} bills when repeated");
        }
    }

    private static async Task<int> BillRunAsync(Api api, World world, string granularity)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            var reply = await api.PostAsync(world.Ops, "/api/ops/bill-runs", new { granularity });
            if (reply.Status == 200) return reply.Json["billCount"]!.GetValue<int>();
            // A run killed mid-way holds its lease until Billing:RunLease passes; a new request then takes over.
            if (reply.Code != "billrun.in-progress" || DateTime.UtcNow > until) reply.Expect(200);
            await Task.Delay(3000);
        }
    }

    /// <summary>
    /// With the seller up and no more kills, each seller retries its parked calls (all but the newInstance calls a flow
    /// chose to leave parked, which must keep their reason) until every call has ended.
    /// </summary>
    private static async Task DrainAsync(Api api, World world, Ledger ledger, Checks checks, Violations violations, Action<string> say)
    {
        var leftParked = ledger.Orders.Select(o => o.LeftParkedCallId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        var retried = 0;
        while (true)
        {
            var calls = await checks.AllCallsAsync();
            var open = calls.Where(c => c["status"]!.GetValue<string>() is "pending" or "retrying" or "inProgress").ToList();
            var parked = calls.Where(c => c["status"]!.GetValue<string>() == "parked" && !leftParked.Contains(c["callId"]!.GetValue<string>())).ToList();
            foreach (var call in parked)
            {
                var callId = call["callId"]!.GetValue<string>();
                if (string.IsNullOrWhiteSpace(call["parkedReason"]?.GetValue<string>()))
                    violations.Add("call-state", $"call {callId} ({call["activity"]}) is parked without a reason");
                var seller = world.Seller(call["sellerId"]!.GetValue<string>());
                var reply = await api.PostAsync(seller.Party, $"/api/seller/calls/{callId}/retry", new { });
                if (reply.Status != 202 && reply.Code != "call.not-parked") reply.Expect(202);
                retried++;
            }

            if (open.Count == 0 && parked.Count == 0)
            {
                say($"drained: {calls.Count} seller calls, {retried} parked call(s) retried by their sellers, {leftParked.Count} left parked on purpose");
                return;
            }

            if (DateTime.UtcNow > until)
            {
                foreach (var c in open.Concat(parked))
                    violations.Add("call-state", $"call {c["callId"]} ({c["activity"]}, order {c["orderRef"]}) still {c["status"]} after the drain");
                return;
            }

            await Task.Delay(3000);
        }
    }

    /// <summary>A phase that could not go on is a violation; the run still reports.</summary>
    private static async Task PhaseAsync(string kind, Violations violations, Func<Task> phase)
    {
        try
        {
            await phase();
        }
        catch (SoakFailure e)
        {
            violations.Add(kind, e.Message);
        }
    }

    /// <summary>How often each step was taken, over all flows (what the soak exercised).</summary>
    private static string Paths(Ledger ledger)
    {
        var steps = ledger.Cases.SelectMany(c => c.Path).Concat(ledger.Orders.SelectMany(o => o.Path))
            .GroupBy(step => step).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
        var outcomes = ledger.Cases.GroupBy(c => c.ExpectedState ?? "unfinished").Select(g => $"{g.Key} {g.Count()}")
            .Concat(ledger.Orders.GroupBy(o => o.ExpectedStatus ?? "unfinished").Select(g => $"orders {g.Key} {g.Count()}"));
        return string.Join(", ", steps) + "; ends: " + string.Join(", ", outcomes);
    }

    public static string Elapsed(TimeSpan t) => $"{(int)t.TotalMinutes}m{t.Seconds:00}s";

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}

using Marketplace.Benchmarks;

// Throughput benchmarks against a real Azurite; run them with scripts/bench.sh <mode> [options].
return (args.Length > 0 ? args[0] : null) switch
{
    "tables" => await TablesBenchmark.RunAsync(args[1..]),
    "tables-overhead" => await TablesOverheadBenchmark.RunAsync(args[1..]),
    "cases" => await CasesBenchmark.RunAsync(args[1..]),
    "seller-calls" => await SellerCallsBenchmark.RunAsync(args[1..]),
    "usage" => await UsageBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: scripts/bench.sh <mode> [options]");
    Console.Error.WriteLine("modes:");
    Console.Error.WriteLine("  tables            TableClient.SubmitTransactionAsync vs plain HttpClient batches against Azurite");
    Console.Error.WriteLine("                    options: " + TablesBenchmark.OptionsHelp);
    Console.Error.WriteLine("  tables-overhead   the same transactions against an in-process canned responder: client cost per transaction");
    Console.Error.WriteLine("                    options: [iterations, default 3000]");
    Console.Error.WriteLine("  cases             mixed supervision-case actions against the server vs the same storage work on raw Azurite");
    Console.Error.WriteLine("                    options: " + CasesBenchmark.OptionsHelp);
    Console.Error.WriteLine("  seller-calls      newInstance calls through the work queue to a fake seller; then the idle CPU of a server holding calls in their retry windows");
    Console.Error.WriteLine("                    options: " + SellerCallsBenchmark.OptionsHelp);
    Console.Error.WriteLine("  usage             1,000,000 usage records pushed over HTTP vs the same entities written raw, then sealed");
    Console.Error.WriteLine("                    options: " + UsageBenchmark.OptionsHelp);
    return 2;
}

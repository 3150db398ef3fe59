using Marketplace.Benchmarks;

// Throughput benchmarks against a real Azurite; run them with scripts/bench.sh <mode> [options].
return (args.Length > 0 ? args[0] : null) switch
{
    "seller-calls" => await SellerCallsBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: scripts/bench.sh <mode> [options]");
    Console.Error.WriteLine("modes:");
    Console.Error.WriteLine("  seller-calls      newInstance calls through the work queue to a fake seller; then the idle CPU of a server holding calls in their retry windows");
    Console.Error.WriteLine("                    options: " + SellerCallsBenchmark.OptionsHelp);
    return 2;
}

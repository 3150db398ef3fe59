using Marketplace.Soak;

// The fault-injection soak against the server on Azurite: run it with scripts/soak.sh [--minutes 10 --clients N --seed S].
var options = SoakOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(SoakOptions.Usage);
    return 2;
}

return await Soak.RunAsync(options);

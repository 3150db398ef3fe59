using System.Globalization;

namespace Marketplace.Soak;

/// <summary>The soak's command line: how long the load runs, how many simulated parties, the seed, and the fault rhythm.</summary>
internal sealed record SoakOptions
{
    public const string Usage =
        "usage: scripts/soak.sh [--minutes 10] [--clients 6] [--seed S] [--kill-every 4-16] [--seller-down 5-60] [--seller-up 20-50]\n" +
        "  --minutes      how long the load runs (then the bill runs, the drain and the checks), default 10\n" +
        "  --clients      simulated buyers acting at once (sellers: half as many, at least 2), default 6\n" +
        "  --seed         seed of every random choice (the timing still varies), default: random\n" +
        "  --kill-every   seconds between a recovery and the next SIGKILL of the server, min-max, default 4-16\n" +
        "  --seller-down  seconds the fake seller stays down in a stretch, min-max, default 5-60\n" +
        "  --seller-up    seconds the fake seller stays up between stretches, min-max, default 20-50";

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);
    public int Clients { get; init; } = 6;
    public int Seed { get; init; } = Random.Shared.Next(1, 1_000_000);
    public (double Min, double Max) KillEvery { get; init; } = (4, 16);
    public (double Min, double Max) SellerDown { get; init; } = (5, 60);
    public (double Min, double Max) SellerUp { get; init; } = (20, 50);

    public int Sellers => Math.Max(2, Clients / 2);

    public static SoakOptions? Parse(string[] args)
    {
        var options = new SoakOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (value is null) return null;
            switch (args[i])
            {
                case "--minutes" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m > 0:
                    options = options with { Duration = TimeSpan.FromMinutes(m) };
                    break;
                case "--clients" when int.TryParse(value, CultureInfo.InvariantCulture, out var c) && c > 0:
                    options = options with { Clients = c };
                    break;
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out var s):
                    options = options with { Seed = s };
                    break;
                case "--kill-every" when Range(value) is { } k:
                    options = options with { KillEvery = k };
                    break;
                case "--seller-down" when Range(value) is { } d:
                    options = options with { SellerDown = d };
                    break;
                case "--seller-up" when Range(value) is { } u:
                    options = options with { SellerUp = u };
                    break;
                default:
                    return null;
            }

            i++;
        }

        return options;
    }

    private static (double, double)? Range(string text)
    {
        var parts = text.Split('-');
        return parts.Length == 2
               && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var min)
               && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var max)
               && min > 0 && max >= min
            ? (min, max)
            : null;
    }
}

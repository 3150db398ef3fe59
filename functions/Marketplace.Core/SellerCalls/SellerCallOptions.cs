using System.Globalization;

namespace Marketplace.Core.SellerCalls;

/// <summary>
/// Settings of the seller-call queue (configuration section <c>SellerCalls</c>; decisions row 1 and "Seller URLs").
/// <list type="table">
/// <item><term>SellerCalls:RetryWindow</term><description>how long a call is retried automatically; default 03:00:00.</description></item>
/// <item><term>SellerCalls:Backoff</term><description>comma-separated waits between attempts, the last one repeating; default <c>00:01:00,00:02:00,00:05:00,00:10:00,00:20:00,00:30:00</c>.</description></item>
/// <item><term>SellerCalls:Timeout</term><description>HTTP timeout of one call; default 00:00:05.</description></item>
/// <item><term>SellerCalls:QueryPollInterval</term><description>wait between queryInstance polls after a 000004; default 00:01:00.</description></item>
/// <item><term>SellerCalls:AllowInsecureUrls</term><description>accept http and loopback seller URLs (Development only); default false.</description></item>
/// </list>
/// </summary>
public sealed class SellerCallOptions
{
    public const string SectionName = "SellerCalls";

    public static IReadOnlyList<TimeSpan> DefaultBackoff { get; } =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(30),
    ];

    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(3);

    /// <summary>The wait after the n-th failure is <c>Backoff[n-1]</c>; past the end, the last value repeats.</summary>
    public IReadOnlyList<TimeSpan> Backoff { get; set; } = DefaultBackoff;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan QueryPollInterval { get; set; } = TimeSpan.FromMinutes(1);

    public bool AllowInsecureUrls { get; set; }

    /// <summary>The wait after the <paramref name="failureNumber"/>-th failure in the current window (1-based).</summary>
    public TimeSpan BackoffAfter(int failureNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failureNumber, 1);
        var schedule = Backoff.Count > 0 ? Backoff : DefaultBackoff;
        return schedule[Math.Min(failureNumber, schedule.Count) - 1];
    }

    /// <summary>Problems with these settings, one sentence each; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (RetryWindow <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:RetryWindow must be positive.");
        }

        if (Backoff is null || Backoff.Count == 0)
        {
            errors.Add($"{SectionName}:Backoff needs at least one duration.");
        }
        else if (Backoff.Any(b => b <= TimeSpan.Zero))
        {
            errors.Add($"{SectionName}:Backoff durations must be positive.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:Timeout must be positive.");
        }

        if (QueryPollInterval <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:QueryPollInterval must be positive.");
        }

        return errors;
    }

    /// <summary>
    /// Parses the comma-separated <c>SellerCalls:Backoff</c> setting, e.g. <c>00:01:00,00:02:00,00:05:00</c>.
    /// </summary>
    /// <exception cref="FormatException">An entry is not a positive <c>[d.]hh:mm:ss</c> duration, or the list is empty.</exception>
    public static IReadOnlyList<TimeSpan> ParseBackoff(string? setting) =>
        TryParseBackoff(setting, out var schedule, out var error) ? schedule : throw new FormatException(error);

    public static bool TryParseBackoff(string? setting, out IReadOnlyList<TimeSpan> schedule, out string error)
    {
        schedule = [];
        error = "";
        if (string.IsNullOrWhiteSpace(setting))
        {
            error = $"{SectionName}:Backoff is empty; give comma-separated durations such as 00:01:00,00:02:00,00:05:00.";
            return false;
        }

        var list = new List<TimeSpan>();
        var parts = setting.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (!TryParseDuration(part, out var value))
            {
                error = $"{SectionName}:Backoff entry {i + 1} ('{part}') is not a duration; use hh:mm:ss, e.g. 00:01:00.";
                return false;
            }

            if (value <= TimeSpan.Zero)
            {
                error = $"{SectionName}:Backoff entry {i + 1} ('{part}') must be longer than zero.";
                return false;
            }

            list.Add(value);
        }

        schedule = list;
        return true;
    }

    /// <summary>
    /// Reads the settings through a lookup of the keys below <c>SellerCalls</c> (e.g. <c>k =&gt; config[$"SellerCalls:{k}"]</c>);
    /// missing keys keep their defaults.
    /// </summary>
    /// <exception cref="FormatException">A setting cannot be read, or the result is invalid.</exception>
    public static SellerCallOptions FromSettings(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var options = new SellerCallOptions();
        options.RetryWindow = Duration(setting, nameof(RetryWindow), options.RetryWindow);
        options.Timeout = Duration(setting, nameof(Timeout), options.Timeout);
        options.QueryPollInterval = Duration(setting, nameof(QueryPollInterval), options.QueryPollInterval);
        var backoff = setting(nameof(Backoff));
        if (!string.IsNullOrWhiteSpace(backoff))
        {
            options.Backoff = ParseBackoff(backoff);
        }

        var insecure = setting(nameof(AllowInsecureUrls));
        if (!string.IsNullOrWhiteSpace(insecure))
        {
            options.AllowInsecureUrls = bool.TryParse(insecure.Trim(), out var flag)
                ? flag
                : throw new FormatException($"{SectionName}:AllowInsecureUrls must be true or false, not '{insecure}'.");
        }

        var errors = options.Validate();
        return errors.Count == 0 ? options : throw new FormatException(string.Join(" ", errors));
    }

    private static TimeSpan Duration(Func<string, string?> setting, string name, TimeSpan fallback)
    {
        var text = setting(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return TryParseDuration(text.Trim(), out var value)
            ? value
            : throw new FormatException($"{SectionName}:{name} ('{text}') is not a duration; use [d.]hh:mm:ss, e.g. 03:00:00.");
    }

    private static bool TryParseDuration(string text, out TimeSpan value) =>
        TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value) && text.Contains(':', StringComparison.Ordinal);
}

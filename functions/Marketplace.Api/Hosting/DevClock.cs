using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Api.Hosting;

/// <summary>
/// The platform's clock. In Development only, <c>Dev:ClockOffset</c> (a TimeSpan, e.g. <c>-01:45:00</c>) shifts it, so an
/// end-to-end test can stand a server at a chosen moment (for example a few minutes past an hour) and restart it later in
/// "time" to exercise the timers' catch-up. Ignored in every other environment.
/// </summary>
public static class DevClock
{
    public const string OffsetSetting = "Dev:ClockOffset";

    public static TimeProvider For(IConfiguration config, IHostEnvironment env)
    {
        var text = config[OffsetSetting];
        if (!env.IsDevelopment() || string.IsNullOrWhiteSpace(text)) return TimeProvider.System;
        if (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var offset))
            throw new InvalidOperationException($"{OffsetSetting} '{text}' is not a TimeSpan such as -01:45:00.");
        return offset == TimeSpan.Zero ? TimeProvider.System : new ShiftedTimeProvider(offset);
    }

    private sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}

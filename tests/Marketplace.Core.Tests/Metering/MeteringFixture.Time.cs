using Marketplace.Core.Metering;

namespace Marketplace.Core.Tests.Metering;

/// <summary>Clock and calendar helpers shared by the metering tests.</summary>
internal static partial class MeteringFixture
{
    /// <summary>2026-11-22 14:00 in Shanghai.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    public static MeteringOptions Options(string zone = "Asia/Shanghai") => new() { TimeZone = zone };

    public static TimeZoneInfo Shanghai => TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static TimeZoneInfo Berlin => TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);
}

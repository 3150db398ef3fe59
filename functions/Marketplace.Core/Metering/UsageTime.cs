using System.Globalization;

namespace Marketplace.Core.Metering;

/// <summary>
/// The usage push's time format: UTC, <c>yyyyMMdd'T'HHmmss'Z'</c>, e.g. <c>20220809T080000Z</c>. The format has exactly
/// 16 characters; KooGallery documents the fields as String(17), which is a maximum length, not the format's length.
/// </summary>
public static class UsageTime
{
    public const string Format = "yyyyMMdd'T'HHmmss'Z'";
    public const int Length = 16;

    /// <summary>Parses a push time. Only the exact format with ASCII digits and a real calendar date and time is accepted.</summary>
    public static bool TryParse(string? text, out DateTimeOffset utc)
    {
        utc = default;
        if (text is null || text.Length != Length || text[8] != 'T' || text[15] != 'Z')
        {
            return false;
        }

        for (var i = 0; i < Length; i++)
        {
            if (i is 8 or 15)
            {
                continue;
            }

            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        if (!DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }

        utc = new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
        return true;
    }

    /// <summary>Formats an instant in the push format (UTC, whole seconds).</summary>
    public static string ToText(DateTimeOffset time) =>
        time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}

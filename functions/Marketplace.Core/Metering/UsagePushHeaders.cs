using System.Globalization;
using Marketplace.Core.Common;

namespace Marketplace.Core.Metering;

/// <summary>
/// The freshness checks on the usage push headers <c>ts</c> and <c>nonce</c>, before the signature is verified.
/// (The signature itself and the nonce store live with the seller protocol.)
/// </summary>
public static class UsagePushHeaders
{
    public const string StaleTimestamp = "auth.stale-timestamp";
    public const string BadNonce = "auth.bad-nonce";
    public const int MaxTimestampLength = 20;
    public const int MaxNonceLength = 64;

    /// <summary>
    /// Null when the headers are acceptable. <c>ts</c> must be Unix time in milliseconds (1–20 ASCII digits) within
    /// <see cref="MeteringOptions.TimestampTolerance"/> of <paramref name="now"/>, either way; otherwise 401
    /// <c>auth.stale-timestamp</c>. <c>nonce</c> must be 1–64 characters from <c>A–Z a–z 0–9 - . _ ~</c> (a UUID or hex
    /// string fits); otherwise 401 <c>auth.bad-nonce</c>. The timestamp is checked first.
    /// </summary>
    public static DomainError? Validate(string? ts, string? nonce, DateTimeOffset now, MeteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(ts))
        {
            return Unauthorized(StaleTimestamp, "The ts header is missing; send the current Unix time in milliseconds.");
        }

        if (ts.Length > MaxTimestampLength || !ts.All(char.IsAsciiDigit)
            || !long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return Unauthorized(StaleTimestamp, "The ts header must be the Unix time in milliseconds (digits only).");
        }

        var min = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
        var max = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();
        var sent = milliseconds < min || milliseconds > max ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        if (sent is null || (sent.Value - now).Duration() > options.TimestampTolerance)
        {
            return Unauthorized(StaleTimestamp,
                $"The ts header is more than {options.TimestampTolerance.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds away from the platform's clock; sign each request just before sending it, with a synchronized clock, in milliseconds.");
        }

        if (string.IsNullOrEmpty(nonce))
        {
            return Unauthorized(BadNonce, "The nonce header is missing; send a fresh random value (e.g. a UUID) with every request.");
        }

        if (nonce.Length > MaxNonceLength || !nonce.All(IsNonceChar))
        {
            return Unauthorized(BadNonce, $"The nonce header must be 1 to {MaxNonceLength} characters from A-Z, a-z, 0-9, '-', '.', '_' and '~'.");
        }

        return null;
    }

    /// <summary>
    /// Until when a nonce sent with <paramref name="ts"/> must be remembered to refuse its replay: after that its timestamp
    /// alone is refused.
    /// </summary>
    public static DateTimeOffset NonceExpiry(DateTimeOffset ts, MeteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ts + options.TimestampTolerance;
    }

    private static bool IsNonceChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private static DomainError Unauthorized(string code, string detail) => new(ErrorKind.Unauthorized, code, detail);
}

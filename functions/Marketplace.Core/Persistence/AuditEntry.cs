using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.Persistence;

/// <summary>
/// One line of an aggregate's audit trail (for a supervision case: its timeline). Who, in which role, did what,
/// from which state to which, why and when; chained to the previous entry by SHA-256 so tampering shows.
/// </summary>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset At,
    string Actor,
    string Role,
    string Action,
    string? FromState,
    string? ToState,
    string? Reason,
    string? Data,
    string PreviousHash,
    string Hash);

public static class AuditChain
{
    /// <summary>The previous hash of the first entry of every aggregate.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static AuditEntry Append(
        string aggregateId, string previousHash, long sequence, DateTimeOffset at, string actor, string role,
        string action, string? fromState, string? toState, string? reason, string? data)
    {
        var hash = Compute(aggregateId, previousHash, sequence, at, actor, role, action, fromState, toState, reason, data);
        return new AuditEntry(sequence, at, actor, role, action, fromState, toState, reason, data, previousHash, hash);
    }

    /// <summary>
    /// Checks that the entries are numbered 1..n without gaps, that each names its predecessor's hash and
    /// that each hash matches its content. Returns the 1-based sequence of the first broken entry, or null.
    /// </summary>
    public static long? FindBreak(string aggregateId, IEnumerable<AuditEntry> entries)
    {
        var previous = Genesis;
        long expected = 1;
        foreach (var e in entries)
        {
            if (e.Sequence != expected || e.PreviousHash != previous) return expected;
            var hash = Compute(aggregateId, e.PreviousHash, e.Sequence, e.At, e.Actor, e.Role, e.Action, e.FromState, e.ToState, e.Reason, e.Data);
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(e.Hash))) return expected;
            previous = e.Hash;
            expected++;
        }
        return null;
    }

    // The time is hashed to the millisecond: storage may keep less precision than DateTimeOffset.
    private static string Compute(
        string aggregateId, string previousHash, long sequence, DateTimeOffset at, string actor, string role,
        string action, string? fromState, string? toState, string? reason, string? data)
    {
        // Length-prefixed fields: no separator inside a value can make two different entries hash alike.
        var sb = new StringBuilder(256);
        foreach (var field in new[] { aggregateId, previousHash, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), actor, role, action, fromState, toState, reason, data })
        {
            if (field is null) { sb.Append("-1:"); continue; }
            sb.Append(field.Length).Append(':').Append(field);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}

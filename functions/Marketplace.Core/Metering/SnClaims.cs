namespace Marketplace.Core.Metering;

/// <summary>What a push does with a metering_sn whose claim row already exists.</summary>
public enum SnClaimVerdict
{
    /// <summary>The sn belongs to an accepted record: the pushed record is a 005 duplicate.</summary>
    Duplicate,

    /// <summary>The claim is for this very record, whose row is missing (an earlier attempt stopped, or a concurrent push is
    /// writing it): go on and insert the record row, whose key decides.</summary>
    Adopt,

    /// <summary>The claim is left over from a record that was never accepted: take it over (conditionally on its ETag).</summary>
    TakeOver,
}

/// <summary>
/// The rule for an existing metering_sn claim (code 005). A claim row is written before its record row and names the record
/// it claims for; only an accepted record claims its sn, so a claim counts only when the record row it names exists and
/// carries the same sn. A claim younger than the ingest window (a push writes its claims and rows within that window from
/// its arrival time) whose record row is missing may belong to a push still writing: it counts, so two concurrent pushes
/// can never both accept one sn.
/// </summary>
public static class SnClaims
{
    /// <param name="claimFor">The identity the existing claim names.</param>
    /// <param name="claimedAt">When the existing claim was written.</param>
    /// <param name="pushed">The identity of the record being pushed with the same sn.</param>
    /// <param name="snOfClaimedRecord">The sn stored on the record row at <paramref name="claimFor"/>, or null when that row does not exist.</param>
    /// <param name="meteringSn">The sn.</param>
    /// <param name="now">The push's clock.</param>
    /// <param name="ingestWindow">The longest a push writes (<see cref="MeteringOptions.IngestWindow"/>).</param>
    public static SnClaimVerdict Judge(
        UsageRecordIdentity claimFor, DateTimeOffset claimedAt, UsageRecordIdentity pushed, string? snOfClaimedRecord,
        string meteringSn, DateTimeOffset now, TimeSpan ingestWindow)
    {
        if (string.Equals(snOfClaimedRecord, meteringSn, StringComparison.Ordinal))
        {
            return SnClaimVerdict.Duplicate;
        }

        if (claimFor == pushed)
        {
            // Same record: its row is missing or holds another sn's record; the record key decides (010 if taken).
            return SnClaimVerdict.Adopt;
        }

        if (snOfClaimedRecord is null && now - claimedAt < ingestWindow)
        {
            return SnClaimVerdict.Duplicate; // another push may still be writing that record
        }

        return SnClaimVerdict.TakeOver;
    }
}

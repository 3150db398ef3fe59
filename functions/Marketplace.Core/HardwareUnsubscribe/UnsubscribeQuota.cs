using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Core.Common;

namespace Marketplace.Core.HardwareUnsubscribe;

/// <summary>One application that used a slot of a buyer's yearly quota.</summary>
public sealed record QuotaClaim(int Slot, string UnsubscriptionId, string OrderId, DateTimeOffset At);

/// <summary>
/// A buyer's hardware unsubscribe quota for one natural year (seed 000: 10 per account per natural year while
/// supervision is incomplete). It is its own aggregate, so claims of one buyer serialise on its ETag: two
/// applications at the same moment cannot both take the last slot.
/// </summary>
public sealed record UnsubscribeQuota
{
    public required string QuotaId { get; init; }
    public required string BuyerId { get; init; }
    public required int Year { get; init; }
    public IReadOnlyList<QuotaClaim> Claims { get; init; } = [];
}

public abstract record QuotaEvent(DateTimeOffset At) : IDomainEvent
{
    public abstract string Action { get; }
    public virtual string? Reason => null;
}

/// <summary>A slot was taken; the application it carries is opened from the outbox if the request did not get to it.</summary>
public sealed record QuotaSlotClaimed(DateTimeOffset At, string QuotaId, string BuyerId, int Year, QuotaClaim Claim, OpenUnsubscriptionMessage Application) : QuotaEvent(At)
{
    public override string Action => "quota.slot-claimed";
    public override string? Reason => $"slot {Claim.Slot}: {Claim.UnsubscriptionId} (order {Claim.OrderId})";
}

/// <summary>The application a claim stands for, as the outbox carries it (the open is idempotent).</summary>
public sealed record OpenUnsubscriptionMessage(
    string UnsubscriptionId,
    string OrderId,
    string CaseId,
    string ProductId,
    string BuyerId,
    string SellerId,
    UnsubscribeKind Kind,
    string Reason,
    int QuotaYear,
    int QuotaSlot,
    DateTimeOffset AppliedAt);

public static class QuotaRules
{
    /// <summary>The natural year of <paramref name="at"/> in the billing time zone (seed 000: 自然年).</summary>
    public static int YearOf(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).Year;

    /// <summary>When the year's quota renews: 1 January of the next year, 00:00 in the billing time zone, as UTC.</summary>
    public static DateTimeOffset RenewsAt(int year, TimeZoneInfo zone)
    {
        var local = new DateTime(year + 1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>
    /// The quota's aggregate id: year and a digest of the buyer id (any characters a token's <c>sub</c> may hold are
    /// safe in a storage key this way).
    /// </summary>
    public static string QuotaId(string buyerId, int year) =>
        "UQ" + year.ToString(CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(buyerId)))[..32];

    public static UnsubscribeQuota Apply(UnsubscribeQuota? state, QuotaEvent e) => e switch
    {
        QuotaSlotClaimed c => (state ?? new UnsubscribeQuota { QuotaId = c.QuotaId, BuyerId = c.BuyerId, Year = c.Year }) with
        {
            Claims = [.. state?.Claims ?? [], c.Claim],
        },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown quota event."),
    };

    /// <summary>
    /// Takes the next slot for the application, or refuses with 409 <c>unsubscribe.quota-exhausted</c>. A claim for an
    /// application id that already holds a slot changes nothing (a retried or concurrent request for the same order).
    /// </summary>
    public static Decision<QuotaEvent> Claim(UnsubscribeQuota? state, string quotaId, OpenUnsubscriptionMessage application, int quota, string timeZone, DateTimeOffset renewsAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (state?.Claims.Any(c => c.UnsubscriptionId == application.UnsubscriptionId) == true) return Decision<QuotaEvent>.Accept();
        var used = state?.Claims.Count ?? 0;
        // Seed 000: "每账号每自然年共有10次退…" — at most this many applications per account and natural year.
        if (used >= quota)
        {
            return DomainError.Conflict(UnsubscribeErrors.QuotaExhausted,
                $"Buyer {application.BuyerId} has used all {quota} hardware unsubscribe applications of {application.QuotaYear} " +
                $"(natural year in {timeZone}); the quota renews on {renewsAt:yyyy-MM-dd'T'HH:mm:ss'Z'}.");
        }
        var slot = used + 1;
        var claim = new QuotaClaim(slot, application.UnsubscriptionId, application.OrderId, now);
        return Decision<QuotaEvent>.Accept(new QuotaSlotClaimed(now, quotaId, application.BuyerId, application.QuotaYear, claim, application with { QuotaSlot = slot, AppliedAt = now }));
    }
}

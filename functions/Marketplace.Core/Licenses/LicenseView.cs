using Marketplace.Core.Persistence;
using Marketplace.Core.Supervision;

namespace Marketplace.Core.Licenses;

/// <summary>
/// What the buyer, the seller and ops see of a license code (GET /api/licenses/{licenseId}). <c>Status</c> is the stored
/// one (issued, received, alive, frozen, released); <c>Expired</c> says the period has run out.
/// </summary>
public sealed record LicenseView(
    string LicenseId,
    string Code,
    string OrderId,
    string OrderLineId,
    string CaseId,
    string ProductId,
    string BuyerId,
    string SellerId,
    string Status,
    bool Expired,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ReceivedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? ExpireTime,
    string? Supervision,
    DateTimeOffset? SupervisionEndedAt,
    DateTimeOffset? ReleasedAt,
    string? ReleaseReason,
    IReadOnlyList<LicenseChange> Changes,
    string? ActiveCallId,
    IReadOnlyList<LicenseCallView> QueuedCalls,
    long Version,
    IReadOnlyList<TimelineEntry> Timeline,
    bool TimelineVerified)
{
    public static LicenseView Of(LicenseCode l, long version, IReadOnlyList<AuditEntry> audit, DateTimeOffset now) => new(
        l.LicenseId, l.Code, l.OrderId, l.OrderLineId, l.CaseId, l.ProductId, l.BuyerId, l.SellerId, LicenseErrors.Wire(l.Status),
        IsExpired(l, now), l.IssuedAt, l.ReceivedAt, l.ActivatedAt, l.ExpireTime, l.Supervision, l.SupervisionEndedAt, l.ReleasedAt, l.ReleaseReason,
        l.Changes, l.ActiveCallId, l.QueuedCalls.Select(q => new LicenseCallView(q.CallId, q.Activity, q.QueuedAt)).ToList(), version,
        audit.Select(TimelineEntry.Of).ToList(), AuditChain.FindBreak(l.LicenseId, audit) is null);

    /// <summary>The period ran out (a released code is released, not expired).</summary>
    public static bool IsExpired(LicenseCode l, DateTimeOffset now) => l.Status != LicenseStatus.Released && l.ExpireTime < now;
}

/// <summary>A call waiting in (or at the head of) the code's queue; its attempts are under /api/seller/calls/{callId}.</summary>
public sealed record LicenseCallView(string CallId, string Activity, DateTimeOffset QueuedAt);

/// <summary>A line of GET /api/licenses.</summary>
public sealed record LicenseSummary(
    string LicenseId,
    string Code,
    string OrderId,
    string ProductId,
    string BuyerId,
    string SellerId,
    string Status,
    bool Expired,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? ExpireTime)
{
    public static LicenseSummary Of(LicenseCode l, DateTimeOffset now) => new(l.LicenseId, l.Code, l.OrderId, l.ProductId, l.BuyerId, l.SellerId,
        LicenseErrors.Wire(l.Status), LicenseView.IsExpired(l, now), l.IssuedAt, l.ActivatedAt, l.ExpireTime);
}

using Marketplace.Core.Common;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Licenses;

/// <summary>Something an actor asks of a license code. Ids come in with the command; time comes in with Decide.</summary>
public abstract record LicenseCommand(Actor Actor);

/// <summary>The platform issues the code of a paid License 2.0 order (a repeat for the same order changes nothing).</summary>
public sealed record IssueLicense(Actor Actor, LicenseCode License) : LicenseCommand(Actor);

/// <summary>
/// The code follows its supervision case, the source of truth for receipt and activation: the case's receipt and
/// activation times and how it ended. Facts already recorded are skipped, so a repeat changes nothing.
/// </summary>
public sealed record FollowCase(Actor Actor, DateTimeOffset? ReceivedAt, DateTimeOffset? ActivatedAt, string? Ended, DateTimeOffset? EndedAt) : LicenseCommand(Actor);

/// <summary>The buyer renews (RENEWAL, a later expiry) or unsubscribes a renewal period (UNSUBSCRIBE_RENEWAL_PERIOD, an earlier one).</summary>
public sealed record RenewLicense(Actor Actor, RefreshScene Scene, DateTimeOffset ExpireTime, string OrderId) : LicenseCommand(Actor);

/// <summary>Ops freeze the code (expiry beyond the grace, violation) or unfreeze it (violation lifted).</summary>
public sealed record ChangeLicenseStatus(Actor Actor, InstanceStatusChange Status, string? Reason) : LicenseCommand(Actor);

/// <summary>The buyer unsubscribes (a new unsubscribe order), or ops release the code (retention ended, violation).</summary>
public sealed record ReleaseLicense(Actor Actor, string? UnsubscribeOrderId, string? Reason) : LicenseCommand(Actor);

/// <summary>The platform: one of the code's calls changed; the queue moves on when it ended.</summary>
public sealed record SyncLicenseCall(Actor Actor, SellerCall Call) : LicenseCommand(Actor);

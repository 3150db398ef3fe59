using Marketplace.Core.Common;

namespace Marketplace.Core.Supervision;

/// <summary>The stable error codes of the supervision case, with details that name the current state.</summary>
public static class CaseErrors
{
    public const string InvalidTransition = "case.invalid-transition";
    public const string FrozenCode = "case.frozen";
    public const string NotFoundCode = "case.not-found";
    public const string Forbidden = "auth.forbidden";
    public const string AppealNotEligible = "appeal.not-eligible";
    public const string AppealAlreadyOpen = "appeal.already-open";
    public const string AppealNotOpen = "appeal.not-open";
    public const string DeliveryReportRequired = "delivery.report-required";
    public const string DeliveryLogisticsRequired = "delivery.logistics-required";
    public const string DeliveryUnknownReport = "delivery.unknown-report";
    public const string ReportLocked = "report.locked";
    public const string ReportDuplicateId = "report.duplicate-id";
    public const string ValidationFailed = "validation.failed";

    /// <summary>"The case is in SellerImplementing; submitting a requirement is not allowed".</summary>
    public static DomainError NotAllowed(SupervisionCase s, string doing, string? why = null) =>
        DomainError.Conflict(InvalidTransition, $"The case is in {s.State}; {doing} is not allowed{(why is null ? "" : $" ({why})")}.");

    /// <summary>Seed 000: while an appeal is open neither party can operate.</summary>
    public static DomainError Frozen(SupervisionCase s, string doing) =>
        DomainError.Conflict(FrozenCode,
            $"The case is in {s.State} and frozen by appeal {s.Appeal?.AppealId}; {doing} is not allowed until the operations manager resolves it.");

    public static DomainError WrongRole(SupervisionCase? s, Actor actor, string doing, IReadOnlyCollection<Role> roles) =>
        DomainError.Forbidden(
            $"{Capitalize(doing)} is for the {string.Join(" or ", roles.Select(r => r.ToClaim()))}; the caller acts as {actor.Role.ToClaim()}" +
            (s is null ? "." : $" (the case is in {s.State})."),
            Forbidden);

    public static DomainError NotTheParty(SupervisionCase s, Actor actor, string doing) =>
        DomainError.Forbidden($"{Capitalize(doing)} is for the {actor.Role.ToClaim()} of this case; {actor.Id} is not (the case is in {s.State}).", Forbidden);

    public static DomainError NotFound() => DomainError.NotFound(NotFoundCode, "The supervision case does not exist.");

    public static DomainError Required(SupervisionCase? s, string what) =>
        DomainError.Invalid(ValidationFailed, s is null ? $"{Capitalize(what)} is required." : $"{Capitalize(what)} is required (the case is in {s.State}).");

    public static DomainError Invalid(SupervisionCase? s, string detail) =>
        DomainError.Invalid(ValidationFailed, s is null ? detail : $"{detail} (the case is in {s.State}).");

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

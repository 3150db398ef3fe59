using Marketplace.Core.Common;

namespace Marketplace.Core.HardwareUnsubscribe;

/// <summary>The stable error codes of the hardware unsubscribe, with details that name the current status.</summary>
public static class UnsubscribeErrors
{
    public const string InvalidTransition = "unsubscribe.invalid-transition";
    public const string NotFoundCode = "unsubscribe.not-found";
    public const string NotHardware = "unsubscribe.not-hardware";
    public const string SupervisionComplete = "unsubscribe.supervision-complete";
    public const string AlreadyOpen = "unsubscribe.already-open";
    public const string QuotaExhausted = "unsubscribe.quota-exhausted";
    public const string Forbidden = "auth.forbidden";
    public const string ValidationFailed = "validation.failed";

    public static DomainError NotAllowed(Unsubscription u, string doing, string? why = null) =>
        DomainError.Conflict(InvalidTransition, $"The unsubscription is in {u.Status}; {doing} is not allowed{(why is null ? "" : $" ({why})")}.");

    public static DomainError WrongRole(Unsubscription? u, Actor actor, string doing, IReadOnlyCollection<Role> roles) =>
        DomainError.Forbidden(
            $"{Capitalize(doing)} is for the {string.Join(" or ", roles.Select(r => r.ToClaim()))}; the caller acts as {actor.Role.ToClaim()}" +
            (u is null ? "." : $" (the unsubscription is in {u.Status})."), Forbidden);

    public static DomainError NotTheParty(Unsubscription u, Actor actor, string doing) =>
        DomainError.Forbidden($"{Capitalize(doing)} is for the {actor.Role.ToClaim()} of this order; {actor.Id} is not (the unsubscription is in {u.Status}).", Forbidden);

    public static DomainError NotFound() => DomainError.NotFound(NotFoundCode, "The unsubscription does not exist.");

    public static DomainError Invalid(string detail) => DomainError.Invalid(ValidationFailed, detail);

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

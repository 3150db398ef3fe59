using System.Security.Claims;
using Marketplace.Core.Common;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Api.Identity;

/// <summary>Who is calling: the token's <c>sub</c> and the roles it holds.</summary>
public static class Caller
{
    public const string RolesClaim = "roles";

    public static string? Subject(this ClaimsPrincipal user) =>
        user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static IEnumerable<Role> RolesOf(this ClaimsPrincipal user) =>
        user.FindAll(RolesClaim).Concat(user.FindAll(ClaimTypes.Role))
            .Select(c => Roles.Parse(c.Value)).OfType<Role>().Distinct();

    /// <summary>The actor for a route open to <paramref name="allowed"/> roles, or a 401/403 rejection.</summary>
    public static Actor Require(this HttpContext http, params Role[] allowed)
    {
        var user = http.User;
        var sub = user.Identity?.IsAuthenticated == true ? user.Subject() : null;
        if (string.IsNullOrEmpty(sub))
            throw new DomainException(new DomainError(ErrorKind.Unauthorized, "auth.unauthenticated", "A valid bearer token is required."));
        foreach (var role in user.RolesOf())
            if (allowed.Contains(role)) return new Actor(sub, role);
        throw new DomainException(DomainError.Forbidden(
            $"This route is for the role(s) {string.Join(", ", allowed.Select(r => r.ToClaim()))}; your token holds {string.Join(", ", user.RolesOf().Select(r => r.ToClaim())).NullIfEmpty() ?? "none"}."));
    }

    private static string? NullIfEmpty(this string s) => s.Length == 0 ? null : s;
}

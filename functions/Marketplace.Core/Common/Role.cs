namespace Marketplace.Core.Common;

/// <summary>The roles a person can hold (the JWT <c>roles</c> claim), plus the platform itself.</summary>
public enum Role
{
    Buyer,
    Seller,
    Ops,
    Reviewer,
    System,
}

public static class Roles
{
    public const string Buyer = "buyer";
    public const string Seller = "seller";
    public const string Ops = "ops";
    public const string Reviewer = "reviewer";
    public const string System = "system";

    public static string ToClaim(this Role role) => role switch
    {
        Role.Buyer => Buyer,
        Role.Seller => Seller,
        Role.Ops => Ops,
        Role.Reviewer => Reviewer,
        _ => System,
    };

    public static Role? Parse(string? value) => value switch
    {
        Buyer => Role.Buyer,
        Seller => Role.Seller,
        Ops => Role.Ops,
        Reviewer => Role.Reviewer,
        _ => null,
    };
}

/// <summary>Who performs an action: a person (id from the token's <c>sub</c>) in one role, or the platform.</summary>
public sealed record Actor(string Id, Role Role)
{
    public static readonly Actor Platform = new("platform", Role.System);
}

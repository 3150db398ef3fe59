namespace Marketplace.Api.Identity;

/// <summary>
/// Section "Auth". In production people sign in with OIDC (e.g. Entra ID): set <see cref="Authority"/> and
/// <see cref="Audience"/>. In Development the server mints its own tokens from <see cref="DevSigningKey"/>.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string? Authority { get; set; }
    public string? Audience { get; set; }

    /// <summary>Development only: the HMAC key (at least 32 characters) for tokens from POST /api/dev/tokens.</summary>
    public string? DevSigningKey { get; set; }

    public string DevIssuer { get; set; } = "marketplace-dev";
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}

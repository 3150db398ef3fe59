using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Marketplace.Api.Problems;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Api.Identity;

public static class IdentitySetup
{
    /// <summary>JWT bearer: OIDC authority in production, the local dev key in Development. The only difference is here.</summary>
    public static IServiceCollection AddMarketplaceIdentity(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        var options = config.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        services.AddOptions<AuthOptions>().Bind(config.GetSection(AuthOptions.Section))
            .Validate(o => !env.IsDevelopment() || o.DevSigningKey is { Length: >= 32 },
                "Auth:DevSigningKey must be set (at least 32 characters) in Development, where the server mints its own tokens.")
            .Validate(o => env.IsDevelopment() || (!string.IsNullOrWhiteSpace(o.Authority) && !string.IsNullOrWhiteSpace(o.Audience)),
                "Auth:Authority and Auth:Audience must name the OIDC issuer (e.g. Entra ID) outside Development.")
            .ValidateOnStart();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            if (env.IsDevelopment() && !string.IsNullOrEmpty(options.DevSigningKey))
            {
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.DevIssuer,
                    ValidAudience = options.DevIssuer,
                    IssuerSigningKey = DevKey(options),
                    NameClaimType = "sub",
                    RoleClaimType = Caller.RolesClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            }
            else
            {
                jwt.Authority = options.Authority;
                jwt.Audience = options.Audience;
                jwt.TokenValidationParameters = new TokenValidationParameters { NameClaimType = "sub", RoleClaimType = Caller.RolesClaim };
            }
            // Our problem+json instead of an empty 401 with a WWW-Authenticate header only.
            jwt.Events = new JwtBearerEvents
            {
                OnChallenge = async ctx =>
                {
                    ctx.HandleResponse();
                    ctx.Response.Headers.WWWAuthenticate = "Bearer";
                    var detail = ctx.AuthenticateFailure is null ? "A valid bearer token is required." : "The bearer token is invalid or expired.";
                    await Problem.WriteAsync(ctx.HttpContext, 401, "auth.unauthenticated", detail);
                },
            };
        });
        services.AddAuthorization();
        return services;
    }

    internal static SymmetricSecurityKey DevKey(AuthOptions options) => new(Encoding.UTF8.GetBytes(options.DevSigningKey!));

    public sealed record DevTokenRequest(string? Subject, string[]? Roles);

    public sealed record DevTokenResponse(string Token, DateTimeOffset ExpiresAt);

    /// <summary>Development only: <c>POST /api/dev/tokens</c>. The route does not exist in other environments.</summary>
    public static IEndpointRouteBuilder MapDevTokens(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/dev/tokens", (DevTokenRequest? body, IOptions<AuthOptions> options, TimeProvider time) =>
        {
            if (body is null || string.IsNullOrWhiteSpace(body.Subject) || body.Subject.Length > 128)
                return Problem.Result(422, "validation.failed", "subject is required (at most 128 characters).");
            var roles = body.Roles ?? [];
            if (roles.Length == 0 || roles.Any(r => Core.Common.Roles.Parse(r) is null))
                return Problem.Result(422, "validation.failed", "roles must hold at least one of buyer, seller, ops, reviewer.");
            var o = options.Value;
            var now = time.GetUtcNow();
            var claims = new List<Claim> { new("sub", body.Subject) };
            claims.AddRange(roles.Distinct().Select(r => new Claim(Caller.RolesClaim, r)));
            var token = new JwtSecurityToken(o.DevIssuer, o.DevIssuer, claims, now.UtcDateTime, (now + o.DevTokenLifetime).UtcDateTime,
                new SigningCredentials(DevKey(o), SecurityAlgorithms.HmacSha256));
            return Results.Ok(new DevTokenResponse(new JwtSecurityTokenHandler().WriteToken(token), now + o.DevTokenLifetime));
        })
        .AllowAnonymous()
        .WithTags("Development")
        .WithSummary("Mint a token for a subject and roles (Development only)");
        return app;
    }
}

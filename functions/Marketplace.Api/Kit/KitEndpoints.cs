using Marketplace.Api.Identity;
using Marketplace.Api.SellerCalls;
using Marketplace.Core.Common;
using Marketplace.Core.Kit;
using Marketplace.Core.Work;
using Marketplace.Storage.Kit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Kit;

/// <summary>Federated (联营) Kit sync: the seller's RSA key, the enterprise binding and its administrator's changes.</summary>
public static class KitEndpoints
{
    public sealed record KitKeyRequest(string? PublicKeyPem);
    public sealed record DepartmentBody(string? OrgCode, string? OrgName, string? ParentCode);
    public sealed record BindRequest(string? TenantId, string? TenantCode, string? Name, string? DomainName, List<DepartmentBody>? Departments);
    public sealed record UserBody(string? UserName, string? Name, string? OrgCode, string? Role, string? Email, string? Mobile);
    public sealed record UsersRequest(List<UserBody>? Users);
    public sealed record UserNamesRequest(List<string>? UserNames);

    public static IServiceCollection AddKit(this IServiceCollection services)
    {
        services.AddSingleton<KitService>();
        services.AddSingleton<IOutboxHandler, KitCallChangedHandler>();
        services.AddSingleton<IKitUserDirectory, TableKitUserDirectory>();
        services.AddSingleton<IOutboxHandler, KitUsersChangedHandler>();
        services.AddSingleton(new StoredKind(KitService.Bindings.Kind));
        services.AddSingleton(new StoredKind(KitService.Keys.Kind));
        return services;
    }

    public static IEndpointRouteBuilder MapKit(this IEndpointRouteBuilder app)
    {
        var tags = "Federated Kit";
        app.MapPut("/api/sellers/{sellerId}/kit-public-key", async (string sellerId, KitKeyRequest body, HttpContext http, KitService kit, CancellationToken ct) =>
            CoreJsonResult.Ok(await kit.RegisterPublicKeyAsync(sellerId, http.Require(Role.Seller), body.PublicKeyPem, ct)))
            .WithTags(tags).WithSummary("Register the seller's RSA public key (SubjectPublicKeyInfo PEM, at least 3072 bits) for the Kit clientSecret");

        app.MapPost("/api/orders/{orderId}/enterprise", async (string orderId, BindRequest body, HttpContext http, KitService kit, CancellationToken ct) =>
        {
            var view = await kit.BindEnterpriseAsync(orderId, http.Require(Role.Buyer),
                new KitTenant(body.TenantId ?? "", body.TenantCode ?? "", body.Name ?? "", body.DomainName ?? ""),
                (body.Departments ?? []).Select(Dept).ToList(), ct);
            return CoreJsonResult.Created($"/api/enterprise/{view.Binding.BindingId}", view);
        }).WithTags(tags).WithSummary("Bind the buyer's enterprise to a SaaS order: sends tenantSync, applicationSync, allOrgSync in order; clientSecret shown once");

        var g = app.MapGroup("/api/enterprise/{bindingId}").WithTags(tags);
        g.MapGet("", async (string bindingId, HttpContext http, KitService kit, CancellationToken ct) =>
            CoreJsonResult.Ok(await kit.GetAsync(bindingId, http.Require(Role.Buyer, Role.Ops), ct)))
            .WithSummary("The binding: tenant, app credential (without secret), departments, users and the Kit calls with their status");

        g.MapPost("/departments", async (string bindingId, DepartmentBody body, HttpContext http, KitService kit, CancellationToken ct) =>
            Accepted(await kit.ChangeDepartmentAsync(bindingId, http.Require(Role.Buyer), Dept(body), KitFlags.Add, ct)))
            .WithSummary("Create a department (singleOrgSync flag 1)");
        g.MapPut("/departments/{orgCode}", async (string bindingId, string orgCode, DepartmentBody body, HttpContext http, KitService kit, CancellationToken ct) =>
            Accepted(await kit.ChangeDepartmentAsync(bindingId, http.Require(Role.Buyer), Dept(body with { OrgCode = orgCode }), KitFlags.Modify, ct)))
            .WithSummary("Edit a department (singleOrgSync flag 2)");
        g.MapDelete("/departments/{orgCode}", async (string bindingId, string orgCode, HttpContext http, KitService kit, CancellationToken ct) =>
            Accepted(await kit.ChangeDepartmentAsync(bindingId, http.Require(Role.Buyer), new KitDepartment(orgCode, "", ""), KitFlags.Delete, ct)))
            .WithSummary("Delete a department (singleOrgSync flag 0)");

        g.MapPost("/users", async (string bindingId, UsersRequest body, HttpContext http, KitService kit, CancellationToken ct) =>
            Accepted(await kit.ChangeUsersAsync(bindingId, http.Require(Role.Buyer), Users(body), KitFlags.Add, ct)))
            .WithSummary("Authorize users (authSync flag 1, asynchronously: one call per batch of at most 500 users; at most 5,000 users per request)").UserChange();
        g.MapPut("/users", async (string bindingId, UsersRequest body, HttpContext http, KitService kit, CancellationToken ct) =>
            Accepted(await kit.ChangeUsersAsync(bindingId, http.Require(Role.Buyer), Users(body), KitFlags.Modify, ct)))
            .WithSummary("Modify authorized users (authSync flag 2)").UserChange();
        g.MapPost("/users/revoke", async (string bindingId, UserNamesRequest body, HttpContext http, KitService kit, CancellationToken ct) =>
            Accepted(await kit.ChangeUsersAsync(bindingId, http.Require(Role.Buyer), Names(body), KitFlags.Revoke, ct)))
            .WithSummary("Revoke users' authorization (authSync flag 3)").UserChange();
        g.MapPost("/users/delete", async (string bindingId, UserNamesRequest body, HttpContext http, KitService kit, CancellationToken ct) =>
            Accepted(await kit.ChangeUsersAsync(bindingId, http.Require(Role.Buyer), Names(body), KitFlags.Delete, ct)))
            .WithSummary("Delete users (authSync flag 0)").UserChange();

        g.MapPost("/calls/{callId}/retry", async (string bindingId, string callId, HttpContext http, KitService kit, CancellationToken ct) =>
            CoreJsonResult.Accepted(await kit.RetryAsync(bindingId, callId, http.Require(Role.Buyer, Role.Ops), ct)))
            .WithSummary("Retry a parked Kit call (Kit calls are not retried automatically)");
        return app;
    }

    private static IResult Accepted(EnterpriseView view) => CoreJsonResult.Accepted(view);

    /// <summary>A user change answers 202 with the binding; more than <see cref="EnterpriseRules.MaxUsersPerChange"/> users is 413 <c>enterprise.too-many-users</c>.</summary>
    private static RouteHandlerBuilder UserChange(this RouteHandlerBuilder route) =>
        route.Produces<EnterpriseView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    private static KitDepartment Dept(DepartmentBody d) => new(d.OrgCode ?? "", d.OrgName ?? "", d.ParentCode ?? "");

    private static List<KitUser> Users(UsersRequest r) =>
        (r.Users ?? []).Select(u => new KitUser(u.UserName ?? "", u.Name ?? "", u.OrgCode ?? "", u.Role ?? "user", u.Email, u.Mobile)).ToList();

    private static List<KitUser> Names(UserNamesRequest r) => (r.UserNames ?? []).Select(n => new KitUser(n, "", "", "user")).ToList();
}

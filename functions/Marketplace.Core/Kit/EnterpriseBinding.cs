using System.Globalization;
using Marketplace.Core.Common;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Kit;

public sealed record KitTenant(string TenantId, string TenantCode, string Name, string DomainName);

public sealed record KitAppCredential(string AppId, string ClientId);

public sealed record KitDepartment(string OrgCode, string OrgName, string ParentCode);

public sealed record KitUser(string UserName, string Name, string OrgCode, string Role, string? Email = null, string? Mobile = null);

/// <summary>A Kit request waiting its turn: the calls of one tenant go out one at a time, in order.</summary>
public sealed record QueuedKitCall(int Seq, string Activity, string Body);

/// <summary>A Kit call sent for the binding (its seller call holds the attempts and the status).</summary>
public sealed record KitCallRef(int Seq, string CallId, string Activity);

/// <summary>
/// The enterprise a buyer bound to a federated (联营) SaaS order (§6.9, §7.7): the tenant, the app credential the
/// platform generated, departments and authorized users, as the platform's own records; plus the Kit calls that tell
/// the seller about them, serialized per tenant (the next waits until the previous succeeded).
/// </summary>
public sealed record EnterpriseBinding
{
    public required string BindingId { get; init; }
    public required string OrderId { get; init; }
    public required string BuyerId { get; init; }
    public required string SellerId { get; init; }
    public required string ProductId { get; init; }
    public string InstanceId { get; init; } = "";
    public required KitTenant Tenant { get; init; }
    public required KitAppCredential App { get; init; }
    public IReadOnlyDictionary<string, KitDepartment> Departments { get; init; } = new Dictionary<string, KitDepartment>();
    public IReadOnlyDictionary<string, KitUser> Users { get; init; } = new Dictionary<string, KitUser>();
    public DateTimeOffset BoundAt { get; init; }
    public int NextSeq { get; init; } = 1;
    public IReadOnlyList<QueuedKitCall> Queue { get; init; } = [];
    public string? ActiveCallId { get; init; }
    public IReadOnlyList<KitCallRef> Calls { get; init; } = [];
}

public abstract record KitEvent : IDomainEvent
{
    public abstract string Action { get; }
    public virtual string? Reason => null;
}

public sealed record EnterpriseBound(EnterpriseBinding Binding, IReadOnlyList<KitRequest> Requests) : KitEvent
{
    public override string Action => "enterprise.bound";
}

public sealed record DepartmentChanged(KitDepartment Department, int Flag, KitRequest Request) : KitEvent
{
    public override string Action => Flag switch { 0 => "enterprise.department-deleted", 1 => "enterprise.department-created", _ => "enterprise.department-edited" };
}

public sealed record UsersChanged(IReadOnlyList<KitUser> Users, int Flag, IReadOnlyList<KitRequest> Requests) : KitEvent
{
    public override string Action => Flag switch { 0 => "enterprise.users-deleted", 1 => "enterprise.users-authorized", 2 => "enterprise.users-modified", _ => "enterprise.users-revoked" };
}

/// <summary>The head of the queue went out as a seller call.</summary>
public sealed record KitCallDispatched(int Seq, string CallId, string Activity, string Body) : KitEvent
{
    public override string Action => "enterprise.kit-call-sent";
}

/// <summary>The active call succeeded: the next one may go.</summary>
public sealed record KitCallCompleted(string CallId) : KitEvent
{
    public override string Action => "enterprise.kit-call-succeeded";
}

/// <summary>A Kit request body (activity + canonical body).</summary>
public sealed record KitRequest(string Activity, string Body);

public static class KitFlags
{
    public const int Delete = 0, Add = 1, Modify = 2, Revoke = 3;
}

/// <summary>The rules of an enterprise binding: validation, the §7.7 bodies and the per-tenant queue.</summary>
public static class EnterpriseRules
{
    public const int AuthBatch = 500;
    public const string CallTopicKind = "enterprise";

    public static EnterpriseBinding Apply(EnterpriseBinding? state, KitEvent e) => e switch
    {
        EnterpriseBound b => Enqueue(b.Binding, b.Requests),
        DepartmentChanged d => Enqueue(state! with
        {
            Departments = d.Flag == KitFlags.Delete
                ? state.Departments.Where(kv => kv.Key != d.Department.OrgCode).ToDictionary()
                : new Dictionary<string, KitDepartment>(state.Departments) { [d.Department.OrgCode] = d.Department },
        }, [d.Request]),
        UsersChanged u => Enqueue(state! with
        {
            Users = u.Flag is KitFlags.Delete or KitFlags.Revoke
                ? state.Users.Where(kv => !u.Users.Any(x => x.UserName == kv.Key)).ToDictionary()
                : u.Users.Aggregate(new Dictionary<string, KitUser>(state.Users), (d, x) => { d[x.UserName] = x; return d; }),
        }, u.Requests),
        KitCallDispatched c => state! with
        {
            Queue = state.Queue.Where(q => q.Seq != c.Seq).ToList(),
            ActiveCallId = c.CallId,
            Calls = [.. state.Calls, new KitCallRef(c.Seq, c.CallId, c.Activity)],
        },
        KitCallCompleted c => state!.ActiveCallId == c.CallId ? state with { ActiveCallId = null } : state,
        _ => throw new ArgumentException($"Unknown event {e.GetType().Name}."),
    };

    private static EnterpriseBinding Enqueue(EnterpriseBinding s, IEnumerable<KitRequest> requests)
    {
        var seq = s.NextSeq;
        var queued = requests.Select(r => new QueuedKitCall(seq++, r.Activity, r.Body)).ToList();
        return s with { Queue = [.. s.Queue, .. queued], NextSeq = seq };
    }

    /// <summary>Applies <paramref name="events"/> and, when no call is under way, sends the head of the queue.</summary>
    public static Decision<KitEvent> WithDispatch(EnterpriseBinding? state, IReadOnlyList<KitEvent> events)
    {
        var after = events.Aggregate(state, (s, e) => Apply(s, e));
        if (after is null || after.ActiveCallId is not null || after.Queue.Count == 0) return Decision<KitEvent>.Accept(events);
        var head = after.Queue[0];
        return Decision<KitEvent>.Accept([.. events, new KitCallDispatched(head.Seq, CallIdOf(after, head), head.Activity, head.Body)]);
    }

    public static CreateSellerCallMessage CallMessage(EnterpriseBinding b, int seq, string activity, string body) =>
        CreateSellerCallMessage.For(b.SellerId, b.ProductId, SellerRequest.FromBody(activity, body), $"{b.BindingId}/{seq.ToString(CultureInfo.InvariantCulture)}", null);

    private static string CallIdOf(EnterpriseBinding b, QueuedKitCall q) => CallMessage(b, q.Seq, q.Activity, q.Body).CallId;

    public static IReadOnlyDictionary<string, string> Tags(EnterpriseBinding b)
    {
        var tags = new Dictionary<string, string> { ["orderId"] = b.OrderId, ["buyerId"] = b.BuyerId, ["sellerId"] = b.SellerId };
        if (b.ActiveCallId is not null) tags["activeCallId"] = b.ActiveCallId;
        return tags;
    }

    // ---- validation ----

    public static DomainError? ValidateTenant(KitTenant t) =>
        Field("tenantId", t.TenantId, 64) ?? Field("tenantCode", t.TenantCode, 64) ?? Field("name", t.Name, 255) ?? Field("domainName", t.DomainName, 255);

    public static DomainError? ValidateDepartment(EnterpriseBinding s, KitDepartment d, bool requireParentExists = true) =>
        Code("orgCode", d.OrgCode) ?? Field("orgName", d.OrgName, 128)
        ?? (d.ParentCode.Length > 0 ? Code("parentCode", d.ParentCode) : null)
        ?? (d.ParentCode == d.OrgCode ? Invalid("A department cannot be its own parent.") : null)
        ?? (requireParentExists && d.ParentCode.Length > 0 && !s.Departments.ContainsKey(d.ParentCode)
            ? Invalid($"Parent department {d.ParentCode} does not exist.") : null)
        ?? (s.Departments.Values.Any(x => x.OrgCode != d.OrgCode && x.ParentCode == d.ParentCode && x.OrgName == d.OrgName)
            ? DomainError.Conflict("enterprise.department-name-taken", $"Another department named '{d.OrgName}' exists at that level.") : null);

    public static DomainError? ValidateUsers(IReadOnlyList<KitUser> users, bool full)
    {
        if (users.Count == 0) return Invalid("At least one user is required.");
        if (users.Select(u => u.UserName).Distinct(StringComparer.Ordinal).Count() != users.Count) return Invalid("Each userName may appear once.");
        foreach (var u in users)
        {
            var error = Field("userName", u.UserName, 64)
                ?? (full
                    ? Field("name", u.Name, 128) ?? (u.Role is "user" or "admin" ? null : Invalid("role must be user or admin."))
                      ?? (u.OrgCode.Length > 0 ? Code("orgCode", u.OrgCode) : null)
                      ?? Optional("email", u.Email, 254) ?? Optional("mobile", u.Mobile, 32)
                    : null);
            if (error is not null) return error;
        }

        return null;
    }

    /// <summary>
    /// A department code: 1-64 letters, digits, '.', '_' or '-' (not "." or ".."). It is a path segment of the API
    /// (<c>/departments/{orgCode}</c>), so it must survive one unchanged.
    /// </summary>
    public static DomainError? Code(string name, string? value) =>
        Field(name, value, 64)
        ?? (value is "." or ".." || !value!.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? Invalid($"{name} may hold only letters, digits, '.', '_' and '-'.") : null);

    private static DomainError? Optional(string name, string? value, int max) =>
        value is not null && value.Length > max ? Invalid($"{name} is longer than {max} characters.") : null;

    private static DomainError? Field(string name, string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? Invalid($"{name} is required.")
        : value.Length > max ? Invalid($"{name} is longer than {max} characters.") : null;

    private static DomainError Invalid(string detail) => DomainError.Invalid("validation.failed", detail);

    // ---- §7.7 bodies ----

    /// <summary><c>timeStamp</c>: UTC+8, <c>yyyyMMddHHmmssSSS</c>.</summary>
    public static string TimeStamp(DateTimeOffset at) =>
        at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    public static KitRequest TenantSync(EnterpriseBinding b, int flag, DateTimeOffset now) => Body(SellerActivities.TenantSync,
        ("instanceId", b.InstanceId), ("orderId", b.OrderId), ("tenantId", b.Tenant.TenantId), ("tenantCode", b.Tenant.TenantCode),
        ("name", b.Tenant.Name), ("domainName", b.Tenant.DomainName), ("flag", flag), ("testFlag", 0), ("timeStamp", TimeStamp(now)));

    public static KitRequest ApplicationSync(EnterpriseBinding b, string encryptedSecret, int flag, DateTimeOffset now) => Body(SellerActivities.ApplicationSync,
        ("instanceId", b.InstanceId), ("tenantId", b.Tenant.TenantId), ("appId", b.App.AppId), ("clientId", b.App.ClientId),
        ("clientSecret", encryptedSecret), ("flag", flag), ("testFlag", 0), ("timeStamp", TimeStamp(now)));

    public static KitRequest AllOrgSync(EnterpriseBinding b, DateTimeOffset now) => Body(SellerActivities.AllOrgSync,
        ("instanceId", b.InstanceId), ("tenantId", b.Tenant.TenantId),
        ("orgInfoList", b.Departments.Values.OrderBy(d => d.OrgCode, StringComparer.Ordinal)
            .Select(d => new Dictionary<string, object?> { ["orgCode"] = d.OrgCode, ["orgName"] = d.OrgName, ["parentCode"] = d.ParentCode }).ToList()),
        ("testFlag", 0), ("timeStamp", TimeStamp(now)));

    public static KitRequest SingleOrgSync(EnterpriseBinding b, KitDepartment d, int flag, DateTimeOffset now) => Body(SellerActivities.SingleOrgSync,
        ("instanceId", b.InstanceId), ("tenantId", b.Tenant.TenantId), ("orgCode", d.OrgCode), ("orgName", d.OrgName),
        ("parentCode", d.ParentCode), ("flag", flag), ("testFlag", 0), ("timeStamp", TimeStamp(now)));

    /// <summary>authSync in batches of at most <see cref="AuthBatch"/> users.</summary>
    public static IReadOnlyList<KitRequest> AuthSync(EnterpriseBinding b, IReadOnlyList<KitUser> users, int flag, DateTimeOffset now) =>
        users.Chunk(AuthBatch).Select(batch => Body(SellerActivities.AuthSync,
            ("instanceId", b.InstanceId), ("tenantId", b.Tenant.TenantId), ("appId", b.App.AppId),
            ("userList", batch.Select(UserJson).ToList()), ("currentSyncTime", TimeStamp(now)),
            ("flag", flag), ("testFlag", 0), ("timeStamp", TimeStamp(now)))).ToList();

    private static Dictionary<string, object?> UserJson(KitUser u)
    {
        var d = new Dictionary<string, object?> { ["userName"] = u.UserName, ["name"] = u.Name, ["orgCode"] = u.OrgCode, ["role"] = u.Role };
        if (u.Email is not null) d["email"] = u.Email;
        if (u.Mobile is not null) d["mobile"] = u.Mobile;
        return d;
    }

    private static KitRequest Body(string activity, params (string Name, object? Value)[] fields)
    {
        var request = SellerRequest.Kit(activity, fields.Select(f => new KeyValuePair<string, object?>(f.Name, f.Value)));
        return new KitRequest(request.Activity, request.Body);
    }
}

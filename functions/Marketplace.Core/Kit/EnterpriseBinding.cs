using System.Globalization;
using System.Text.Json;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.Kit;

public sealed record KitTenant(string TenantId, string TenantCode, string Name, string DomainName);

public sealed record KitAppCredential(string AppId, string ClientId);

public sealed record KitDepartment(string OrgCode, string OrgName, string ParentCode);

public sealed record KitUser(string UserName, string Name, string OrgCode, string Role, string? Email = null, string? Mobile = null);

/// <summary>
/// A Kit request waiting its turn: the calls of one tenant go out one at a time, in order. The body is not kept here
/// (the snapshot would grow with every queued user): it is in the event that queued the call, audit entry
/// <paramref name="Event"/>, at <paramref name="Index"/> among that event's requests.
/// </summary>
public sealed record QueuedKitCall(int Seq, string Activity, long Event, int Index);

/// <summary>A Kit call sent for the binding (its seller call holds the attempts and the status).</summary>
public sealed record KitCallRef(int Seq, string CallId, string Activity);

/// <summary>
/// The enterprise a buyer bound to a federated (联营) SaaS order (§6.9, §7.7): the tenant, the app credential the
/// platform generated and the departments, as the platform's own records; plus the Kit calls that tell the seller
/// about changes, serialized per tenant (the next waits until the previous succeeded). The authorized users are kept
/// one record per user in the <see cref="IKitUserDirectory"/>, so this snapshot does not grow with them.
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
    public DateTimeOffset BoundAt { get; init; }

    /// <summary>How many events the binding has had: the audit sequence of the latest one (the runner writes one audit entry per event).</summary>
    public long Events { get; init; }

    public int NextSeq { get; init; } = 1;
    public IReadOnlyList<QueuedKitCall> Queue { get; init; } = [];
    public string? ActiveCallId { get; init; }

    /// <summary>The latest <see cref="EnterpriseRules.CallsKept"/> calls sent (older ones all succeeded; their seller calls remain).</summary>
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

/// <summary>One batch of a user change (at most <see cref="EnterpriseRules.AuthBatch"/> users): one authSync call.</summary>
public sealed record UsersChanged(IReadOnlyList<KitUser> Users, int Flag, KitRequest Request, int Batch, int Batches) : KitEvent
{
    public override string Action => Flag switch { 0 => "enterprise.users-deleted", 1 => "enterprise.users-authorized", 2 => "enterprise.users-modified", _ => "enterprise.users-revoked" };

    public override string? Reason => Batches > 1 ? $"batch {Batch} of {Batches}" : null;
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

/// <summary>A batch of a user change for the <see cref="IKitUserDirectory"/>: <paramref name="Seq"/> is the batch's call number, so the latest change of a user wins whatever the order of arrival.</summary>
public sealed record KitUserChange(string BindingId, int Seq, int Flag, IReadOnlyList<KitUser> Users);

public static class KitFlags
{
    public const int Delete = 0, Add = 1, Modify = 2, Revoke = 3;
}

/// <summary>The rules of an enterprise binding: validation, the §7.7 bodies and the per-tenant queue.</summary>
public static class EnterpriseRules
{
    /// <summary>authSync carries at most 500 users per call (§7.7).</summary>
    public const int AuthBatch = 500;

    /// <summary>
    /// An authSync body is also closed at this many characters, so that every stored copy of one batch (its event,
    /// the seller call's request and each attempt) stays far below the 1 MiB of a table entity: users with long names,
    /// e-mail addresses and phone numbers travel in batches of fewer than 500.
    /// </summary>
    public const int MaxBatchChars = 40_000;

    /// <summary>The most users one change may name (413 <see cref="TooManyUsers"/>): 10 full authSync batches.</summary>
    public const int MaxUsersPerChange = 5_000;

    public const string TooManyUsers = "enterprise.too-many-users";

    /// <summary>How many sent calls the binding lists.</summary>
    public const int CallsKept = 200;

    public static EnterpriseBinding Apply(EnterpriseBinding? state, KitEvent e)
    {
        var s = e switch
        {
            EnterpriseBound b => Enqueue(b.Binding, 1, b.Requests),
            DepartmentChanged d => Enqueue(state! with
            {
                Departments = d.Flag == KitFlags.Delete
                    ? state.Departments.Where(kv => kv.Key != d.Department.OrgCode).ToDictionary()
                    : new Dictionary<string, KitDepartment>(state.Departments) { [d.Department.OrgCode] = d.Department },
            }, state.Events + 1, [d.Request]),
            UsersChanged u => Enqueue(state!, state!.Events + 1, [u.Request]),
            KitCallDispatched c => state! with
            {
                Queue = state.Queue.Where(q => q.Seq != c.Seq).ToList(),
                ActiveCallId = c.CallId,
                Calls = [.. state.Calls.Skip(Math.Max(0, state.Calls.Count + 1 - CallsKept)), new KitCallRef(c.Seq, c.CallId, c.Activity)],
            },
            KitCallCompleted c => state!.ActiveCallId == c.CallId ? state with { ActiveCallId = null } : state,
            _ => throw new ArgumentException($"Unknown event {e.GetType().Name}."),
        };
        return s with { Events = (state?.Events ?? 0) + 1 };
    }

    private static EnterpriseBinding Enqueue(EnterpriseBinding s, long eventNumber, IReadOnlyList<KitRequest> requests)
    {
        var seq = s.NextSeq;
        var queued = requests.Select((r, i) => new QueuedKitCall(seq++, r.Activity, eventNumber, i)).ToList();
        return s with { Queue = [.. s.Queue, .. queued], NextSeq = seq };
    }

    /// <summary>The requests an event queued, in queue order.</summary>
    public static IReadOnlyList<KitRequest> RequestsOf(KitEvent e) => e switch
    {
        EnterpriseBound b => b.Requests,
        DepartmentChanged d => [d.Request],
        UsersChanged u => [u.Request],
        _ => [],
    };

    /// <summary>The request a queued call stands for, read back from the audit data of the event that queued it.</summary>
    public static KitRequest StoredRequest(QueuedKitCall q, string? auditData)
    {
        var stored = auditData is null ? null : JsonSerializer.Deserialize<StoredRequests>(auditData, CoreJson.Options);
        var requests = stored?.Requests ?? (stored?.Request is { } one ? [one] : []);
        return q.Index < requests.Count && requests[q.Index].Activity == q.Activity
            ? requests[q.Index]
            : throw new InvalidDataException($"Audit entry {q.Event} does not hold the {q.Activity} request of Kit call {q.Seq}.");
    }

    private sealed record StoredRequests(IReadOnlyList<KitRequest>? Requests, KitRequest? Request);

    /// <summary>
    /// Applies <paramref name="events"/> and, when no call is under way, sends the head of the queue. The head's body
    /// is taken from <paramref name="events"/> when one of them queued it, else from <paramref name="loadedHead"/> (read
    /// by the caller from the audit trail); without either the head waits (the caller dispatches it afterwards).
    /// </summary>
    public static Decision<KitEvent> WithDispatch(EnterpriseBinding? state, IReadOnlyList<KitEvent> events, (int Seq, KitRequest Request)? loadedHead = null)
    {
        var after = events.Aggregate(state, (s, e) => Apply(s, e));
        if (after is null || after.ActiveCallId is not null || after.Queue.Count == 0) return Decision<KitEvent>.Accept(events);
        var head = after.Queue[0];
        var first = (state?.Events ?? 0) + 1; // the event number of events[0]
        KitRequest? request = head.Event >= first ? RequestsOf(events[(int)(head.Event - first)])[head.Index]
            : loadedHead is { } l && l.Seq == head.Seq ? l.Request : null;
        return request is null
            ? Decision<KitEvent>.Accept(events)
            : Decision<KitEvent>.Accept([.. events, new KitCallDispatched(head.Seq, CallMessage(after, head.Seq, request.Activity, request.Body).CallId, request.Activity, request.Body)]);
    }

    public static CreateSellerCallMessage CallMessage(EnterpriseBinding b, int seq, string activity, string body) =>
        CreateSellerCallMessage.For(b.SellerId, b.ProductId, SellerRequest.FromBody(activity, body), $"{b.BindingId}/{seq.ToString(CultureInfo.InvariantCulture)}", null);

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
        Field("orgCode", d.OrgCode, 64) ?? Field("orgName", d.OrgName, 128)
        ?? (d.ParentCode.Length > 64 ? Invalid("parentCode is longer than 64 characters.") : null)
        ?? (d.ParentCode == d.OrgCode ? Invalid("A department cannot be its own parent.") : null)
        ?? (requireParentExists && d.ParentCode.Length > 0 && !s.Departments.ContainsKey(d.ParentCode)
            ? Invalid($"Parent department {d.ParentCode} does not exist.") : null)
        ?? (s.Departments.Values.Any(x => x.OrgCode != d.OrgCode && x.ParentCode == d.ParentCode && x.OrgName == d.OrgName)
            ? DomainError.Conflict("enterprise.department-name-taken", $"Another department named '{d.OrgName}' exists at that level.") : null);

    public static DomainError? ValidateUsers(IReadOnlyList<KitUser> users, bool full)
    {
        if (users.Count == 0) return Invalid("At least one user is required.");
        if (users.Count > MaxUsersPerChange)
            return new DomainError(ErrorKind.TooLarge, TooManyUsers, $"A change names at most {MaxUsersPerChange} users; this one names {users.Count}. Send it in several requests.");
        if (users.Select(u => u.UserName).Distinct(StringComparer.Ordinal).Count() != users.Count) return Invalid("Each userName may appear once.");
        foreach (var u in users)
        {
            var error = Field("userName", u.UserName, 64)
                ?? (full ? Field("name", u.Name, 128) ?? Optional("orgCode", u.OrgCode, 64)
                    ?? (u.Role is "user" or "admin" ? null : Invalid("role must be user or admin."))
                    ?? Optional("email", u.Email, 128) ?? Optional("mobile", u.Mobile, 32) : null);
            if (error is not null) return error;
        }

        return null;
    }

    private static DomainError? Field(string name, string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? Invalid($"{name} is required.")
        : value.Length > max ? Invalid($"{name} is longer than {max} characters.") : null;

    private static DomainError? Optional(string name, string? value, int max) =>
        value is not null && value.Length > max ? Invalid($"{name} is longer than {max} characters.") : null;

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

    /// <summary>
    /// A user change as one <see cref="UsersChanged"/> per authSync call, in order: each batch holds at most
    /// <see cref="AuthBatch"/> users and at most <see cref="MaxBatchChars"/> characters of body.
    /// </summary>
    public static IReadOnlyList<UsersChanged> AuthSync(EnterpriseBinding b, IReadOnlyList<KitUser> users, int flag, DateTimeOffset now)
    {
        var batches = new List<List<KitUser>>();
        var chars = 0;
        foreach (var u in users)
        {
            var length = CanonicalJson.Serialize(UserJson(u)).Length + 1;
            if (batches.Count == 0 || batches[^1].Count == AuthBatch || chars + length > MaxBatchChars - Envelope)
            {
                batches.Add([]);
                chars = 0;
            }

            batches[^1].Add(u);
            chars += length;
        }

        return batches.Select((batch, i) => new UsersChanged(batch, flag, Body(SellerActivities.AuthSync,
            ("instanceId", b.InstanceId), ("tenantId", b.Tenant.TenantId), ("appId", b.App.AppId),
            ("userList", batch.Select(UserJson).ToList()), ("currentSyncTime", TimeStamp(now)),
            ("flag", flag), ("testFlag", 0), ("timeStamp", TimeStamp(now))), i + 1, batches.Count)).ToList();
    }

    /// <summary>Room left in an authSync body for everything but the users (ids of at most 64 characters each, times, flags).</summary>
    private const int Envelope = 1_000;

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

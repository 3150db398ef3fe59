using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Persistence;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.Work;

namespace Marketplace.Core.Kit;

/// <summary>A seller's RSA public key for the Kit <c>clientSecret</c> (SubjectPublicKeyInfo PEM, at least 3072 bits).</summary>
public sealed record KitPublicKey(string SellerId, string Pem, int Bits, DateTimeOffset RegisteredAt);

public sealed record KitPublicKeyRegistered(KitPublicKey Key) : IDomainEvent
{
    public string Action => "seller.kit-public-key-registered";
    public string? Reason => null;
}

/// <summary>The binding as shown to the administrator, with the state of each Kit call; the authorized users only when read (GET).</summary>
public sealed record EnterpriseView(EnterpriseBinding Binding, IReadOnlyList<KitCallView> Calls, string? ClientSecret = null, IReadOnlyList<KitUser>? Users = null);

public sealed record KitCallView(int Seq, string CallId, string Activity, string Status, int Attempts, string? ParkedReason);

/// <summary>
/// Federated (联营) Kit sync use cases (§6.9, §7.3, §7.7): the seller registers its RSA public key; the buyer, as the
/// enterprise administrator, binds the app, keeps departments and user authorizations; each change becomes Kit calls,
/// sent one at a time per tenant through the seller-call machinery (which parks a Kit call at its first failure and
/// notifies the seller); the administrator retries a parked call. A user change is cut into authSync batches, each
/// committed on its own (one event, one call, one directory change), so no stored row grows with the size of a change.
/// </summary>
public sealed class KitService(AggregateRunner runner, IAggregateStore store, SellerCallService calls, IKitUserDirectory directory, TimeProvider time)
{
    public const int MinKeyBits = 3072;

    /// <summary>A Kit seller call succeeded, parked or was retried (payload <see cref="SellerCallChangedMessage"/>).</summary>
    public const string CallTopic = "kit.call-changed";

    /// <summary>A batch of a user change, for the user directory (payload <see cref="KitUserChange"/>): the backstop of the write made right after the commit.</summary>
    public const string UsersTopic = "kit.users-changed";

    public static readonly AggregateDefinition<KitPublicKey, KitPublicKeyRegistered> Keys = new()
    {
        Kind = "kitkeys",
        Apply = (_, e) => e.Key,
        StateName = _ => "registered",
    };

    public static readonly AggregateDefinition<EnterpriseBinding, KitEvent> Bindings = new()
    {
        Kind = "enterprise",
        Apply = EnterpriseRules.Apply,
        StateName = b => b.ActiveCallId is null ? "idle" : "syncing",
        Tags = EnterpriseRules.Tags,
        Outbox = (b, e) => e switch
        {
            KitCallDispatched d => [(SellerCallService.CreateTopic, EnterpriseRules.CallMessage(b, d.Seq, d.Activity, d.Body))],
            UsersChanged u => [(UsersTopic, new KitUserChange(b.BindingId, b.NextSeq - 1, u.Flag, u.Users))],
            _ => [],
        },
        Json = CoreJson.Compact, // bodies are stored: escaping only what JSON needs keeps each copy short
    };

    public async Task<KitPublicKey> RegisterPublicKeyAsync(string sellerId, Actor actor, string? pem, CancellationToken ct)
    {
        if (actor.Role != Role.Seller) throw new DomainException(DomainError.Forbidden("A seller registers its own Kit public key."));
        // Another seller's id looks like an unknown one, as on the key routes.
        if (actor.Id != sellerId) throw new DomainException(DomainError.NotFound("seller.not-found", "The seller does not exist."));
        if (string.IsNullOrWhiteSpace(pem)) throw new DomainException(DomainError.Invalid("validation.failed", "publicKeyPem is required."));
        int bits;
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            bits = rsa.KeySize;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new DomainException(DomainError.Invalid("validation.failed", "publicKeyPem must be an RSA public key in PEM (SubjectPublicKeyInfo)."));
        }

        if (bits < MinKeyBits)
            throw new DomainException(DomainError.Invalid("seller.weak-key", $"The Kit public key has {bits} bits; at least {MinKeyBits} are required."));
        var key = new KitPublicKey(sellerId, pem.Trim(), bits, time.GetUtcNow());
        var result = await runner.ExecuteAsync(Keys, sellerId, actor, (_, _) => Decision<KitPublicKeyRegistered>.Accept(new KitPublicKeyRegistered(key)), ct);
        DomainException.ThrowIf(result.Error);
        return key;
    }

    public static string BindingIdOf(string orderId) => "eb-" + orderId;

    /// <summary>Binds the enterprise to the order: generates the app credential and queues tenantSync, applicationSync, allOrgSync.</summary>
    public async Task<EnterpriseView> BindEnterpriseAsync(string orderId, Actor buyer, KitTenant tenant, IReadOnlyList<KitDepartment> departments, CancellationToken ct)
    {
        var order = (await runner.LoadAsync(CatalogueService.Orders, orderId, ct))?.State;
        if (order is null || order.BuyerId != buyer.Id) throw new DomainException(DomainError.NotFound("order.not-found", $"Order {orderId} does not exist."));
        if (order.DeliveryType != "saas")
            throw new DomainException(DomainError.Conflict("enterprise.not-saas", "Only a SaaS order can be bound to an enterprise."));
        DomainException.ThrowIf(EnterpriseRules.ValidateTenant(tenant));
        var key = (await runner.LoadAsync(Keys, order.SellerId, ct))?.State
            ?? throw new DomainException(DomainError.Conflict("seller.no-kit-key", "The seller has not registered a Kit public key yet."));

        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        string encrypted;
        using (var rsa = RSA.Create())
        {
            rsa.ImportFromPem(key.Pem);
            encrypted = Convert.ToBase64String(rsa.Encrypt(Encoding.UTF8.GetBytes(secret), RSAEncryptionPadding.OaepSHA256));
        }

        var now = time.GetUtcNow();
        var binding = new EnterpriseBinding
        {
            BindingId = BindingIdOf(orderId),
            OrderId = orderId,
            BuyerId = buyer.Id,
            SellerId = order.SellerId,
            ProductId = order.ProductId,
            InstanceId = order.InstanceId ?? "",
            Tenant = tenant,
            App = new KitAppCredential("app-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), "client-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))),
            BoundAt = now,
        };
        var deps = new Dictionary<string, KitDepartment>(StringComparer.Ordinal);
        foreach (var d in departments)
        {
            DomainException.ThrowIf(EnterpriseRules.ValidateDepartment(binding with { Departments = deps }, d, requireParentExists: false));
            if (!deps.TryAdd(d.OrgCode, d)) DomainException.ThrowIf(DomainError.Invalid("validation.failed", $"Department {d.OrgCode} appears twice."));
        }

        foreach (var d in deps.Values)
            if (d.ParentCode.Length > 0 && !deps.ContainsKey(d.ParentCode)) DomainException.ThrowIf(DomainError.Invalid("validation.failed", $"Parent department {d.ParentCode} does not exist."));
        binding = binding with { Departments = deps };

        var requests = new[]
        {
            EnterpriseRules.TenantSync(binding, KitFlags.Add, now),
            EnterpriseRules.ApplicationSync(binding, encrypted, KitFlags.Add, now),
            EnterpriseRules.AllOrgSync(binding, now),
        };
        var result = await runner.ExecuteAsync(Bindings, binding.BindingId, buyer, (state, _) => state is not null
            ? DomainError.Conflict("enterprise.already-bound", $"Order {orderId} is already bound to an enterprise.")
            : EnterpriseRules.WithDispatch(null, [new EnterpriseBound(binding, requests)]), ct);
        DomainException.ThrowIf(result.Error);
        return await ViewAsync(result.State!, ct) with { ClientSecret = secret };
    }

    public async Task<EnterpriseView> GetAsync(string bindingId, Actor actor, CancellationToken ct) =>
        await ViewAsync(await LoadAsync(bindingId, actor, ct), ct) with { Users = await directory.ListAsync(bindingId, ct) };

    public Task<EnterpriseView> ChangeDepartmentAsync(string bindingId, Actor actor, KitDepartment department, int flag, CancellationToken ct) =>
        ActAsync(bindingId, actor, (b, now) =>
        {
            var existing = b.Departments.GetValueOrDefault(department.OrgCode);
            switch (flag)
            {
                case KitFlags.Delete:
                    // Deletes do not check existence (§7.7): a repeated delete is sent again and succeeds on the seller side.
                    // The code must still be one a department can have: nothing else is sent to the seller.
                    if (EnterpriseRules.Code("orgCode", department.OrgCode) is { } badCode) return badCode;
                    if (b.Departments.Values.Any(d => d.ParentCode == department.OrgCode))
                        return DomainError.Conflict("enterprise.department-has-children", $"Department {department.OrgCode} has sub-departments.");
                    var gone = existing ?? department with { OrgName = department.OrgName.Length > 0 ? department.OrgName : department.OrgCode };
                    return EnterpriseRules.WithDispatch(b, [new DepartmentChanged(gone, flag, EnterpriseRules.SingleOrgSync(b, gone, flag, now))]);
                case KitFlags.Modify when existing is null:
                    return DomainError.NotFound("enterprise.department-not-found", $"Department {department.OrgCode} does not exist.");
                default:
                    if (EnterpriseRules.ValidateDepartment(b, department) is { } error) return error;
                    return EnterpriseRules.WithDispatch(b, [new DepartmentChanged(department, flag, EnterpriseRules.SingleOrgSync(b, department, flag, now))]);
            }
        }, ct);

    /// <summary>
    /// Authorizes, modifies, deletes or revokes users: one authSync call per batch (<see cref="EnterpriseRules.AuthSync"/>),
    /// each batch committed on its own and then written to the user directory. A change fails as a whole only before
    /// its first batch; a failure later leaves the earlier batches queued, and sending the change again is harmless
    /// (the seller treats repeated adds and deletes as no-ops, §7.7).
    /// </summary>
    public async Task<EnterpriseView> ChangeUsersAsync(string bindingId, Actor actor, IReadOnlyList<KitUser> users, int flag, CancellationToken ct)
    {
        var binding = await LoadAsync(bindingId, actor, ct);
        var full = flag is KitFlags.Add or KitFlags.Modify;
        DomainException.ThrowIf(EnterpriseRules.ValidateUsers(users, full));
        var known = await directory.FindAsync(bindingId, users.Select(u => u.UserName).ToList(), ct);
        if (flag == KitFlags.Modify && users.FirstOrDefault(u => !known.ContainsKey(u.UserName)) is { } missing)
            DomainException.ThrowIf(DomainError.NotFound("enterprise.user-not-found", $"User {missing.UserName} is not authorized."));
        var sent = full ? users : users.Select(u => known.GetValueOrDefault(u.UserName) ?? u).ToList();

        var state = binding;
        foreach (var batch in EnterpriseRules.AuthSync(binding, sent, flag, time.GetUtcNow()))
        {
            var result = await runner.ExecuteAsync(Bindings, bindingId, actor, (b, _) => b is null ? NotFound(bindingId) : EnterpriseRules.WithDispatch(b, [batch]), ct);
            DomainException.ThrowIf(result.Error);
            state = result.State!;
            await directory.ApplyAsync(new KitUserChange(bindingId, state.NextSeq - 1, flag, batch.Users), ct);
            state = await DispatchWaitingAsync(state, ct);
        }

        return await ViewAsync(state, ct);
    }

    /// <summary>The administrator retries the binding's parked call: a fresh attempt now.</summary>
    public async Task<KitCallView> RetryAsync(string bindingId, string callId, Actor actor, CancellationToken ct)
    {
        var binding = await LoadAsync(bindingId, actor, ct);
        var entry = binding.Calls.FirstOrDefault(c => c.CallId == callId)
            ?? throw new DomainException(DomainError.NotFound(SellerCallMachine.NotFound, $"Call {callId} is not a call of {bindingId}."));
        var call = await calls.RetryAsync(callId, Actor.Platform, ct);
        return View(entry, call);
    }

    /// <summary>A Kit seller call changed: when it succeeded, the binding's next call goes out.</summary>
    public async Task CallChangedAsync(SellerCallChangedMessage message, CancellationToken ct)
    {
        if (message.Status != SellerCallStatusNames.Wire(SellerCallStatus.Succeeded)) return;
        await foreach (var record in store.QueryAsync(Bindings.Kind, new Dictionary<string, string> { ["activeCallId"] = message.CallId }, ct))
        {
            // The next call's body is in the audit entry of the event that queued it: read it before deciding.
            var loaded = (await runner.LoadAsync(Bindings, record.Id, ct))?.State;
            (int Seq, KitRequest Request)? next = loaded is { Queue.Count: > 0 } && loaded.ActiveCallId == message.CallId ? await HeadAsync(loaded, ct) : null;
            var result = await runner.ExecuteAsync(Bindings, record.Id, Actor.Platform, (b, _) => b is null || b.ActiveCallId != message.CallId
                ? Decision<KitEvent>.Accept()
                : EnterpriseRules.WithDispatch(b, [new KitCallCompleted(message.CallId)], next), ct);
            DomainException.ThrowIf(result.Error);
            if (result.State is not null) await DispatchWaitingAsync(result.State, ct);
        }
    }

    /// <summary>
    /// Sends the head of the queue of a binding that is idle (rare: a change queued while the decision that ended the
    /// previous call had already read the queue). Returns the binding as it now is.
    /// </summary>
    private async Task<EnterpriseBinding> DispatchWaitingAsync(EnterpriseBinding binding, CancellationToken ct)
    {
        for (var b = binding; ;)
        {
            if (b.ActiveCallId is not null || b.Queue.Count == 0) return b;
            var head = await HeadAsync(b, ct);
            var result = await runner.ExecuteAsync(Bindings, b.BindingId, Actor.Platform, (s, _) => s is null || s.ActiveCallId is not null || s.Queue.Count == 0
                ? Decision<KitEvent>.Accept()
                : EnterpriseRules.WithDispatch(s, [], head), ct);
            DomainException.ThrowIf(result.Error);
            b = result.State ?? b;
            if (!result.Changed && b.ActiveCallId is null && b.Queue.Count > 0 && b.Queue[0].Seq == head.Seq)
                throw new InvalidOperationException($"Kit call {head.Seq} of {b.BindingId} could not be sent.");
        }
    }

    private async Task<(int Seq, KitRequest Request)> HeadAsync(EnterpriseBinding b, CancellationToken ct)
    {
        var head = b.Queue[0];
        var entry = await store.FindAuditAsync(Bindings.Kind, b.BindingId, head.Event, ct);
        return (head.Seq, EnterpriseRules.StoredRequest(head, entry?.Data));
    }

    private async Task<EnterpriseView> ActAsync(string bindingId, Actor actor, Func<EnterpriseBinding, DateTimeOffset, Decision<KitEvent>> decide, CancellationToken ct)
    {
        await LoadAsync(bindingId, actor, ct);
        var result = await runner.ExecuteAsync(Bindings, bindingId, actor, (b, now) => b is null ? NotFound(bindingId) : decide(b, now), ct);
        DomainException.ThrowIf(result.Error);
        return await ViewAsync(await DispatchWaitingAsync(result.State!, ct), ct);
    }

    private async Task<EnterpriseBinding> LoadAsync(string bindingId, Actor actor, CancellationToken ct)
    {
        var b = (await runner.LoadAsync(Bindings, bindingId, ct))?.State;
        if (b is null || !(actor.Role is Role.Ops or Role.System || (actor.Role == Role.Buyer && b.BuyerId == actor.Id))) throw new DomainException(NotFound(bindingId));
        return b;
    }

    private async Task<EnterpriseView> ViewAsync(EnterpriseBinding b, CancellationToken ct)
    {
        var views = new List<KitCallView>();
        foreach (var c in b.Calls) views.Add(View(c, await calls.FindAsync(c.CallId, ct)));
        return new EnterpriseView(b, views);
    }

    private static KitCallView View(KitCallRef c, SellerCall? call) =>
        new(c.Seq, c.CallId, c.Activity, call is null ? "queued" : SellerCallStatusNames.Wire(call.Status), call?.Attempts.Count ?? 0, call?.ParkedReason);

    private static DomainError NotFound(string bindingId) => DomainError.NotFound("enterprise.not-found", $"Enterprise binding {bindingId} does not exist.");
}

/// <summary>Writes a batch of a user change to the user directory (again: the write after the commit usually did it).</summary>
public sealed class KitUsersChangedHandler(IKitUserDirectory directory) : IOutboxHandler
{
    public string Topic => KitService.UsersTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        directory.ApplyAsync(item.Read<KitUserChange>(), ct);
}

/// <summary>Moves a binding's queue on when its Kit call succeeded.</summary>
public sealed class KitCallChangedHandler(KitService kit) : IOutboxHandler
{
    public string Topic => KitService.CallTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        kit.CallChangedAsync(item.Read<SellerCallChangedMessage>(), ct);
}

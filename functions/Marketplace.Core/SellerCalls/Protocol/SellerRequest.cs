using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Common;

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>
/// One request to a seller's production interface: the activity and its body in canonical form (§7.2). Base-interface
/// bodies carry the <c>activity</c> discriminator and string fields only; Kit bodies (§7.7) have no <c>activity</c>
/// member (the path names it) and may carry integers.
/// <para>A <c>newInstance</c> request may be built without a <c>businessId</c>: that is the stable template a seller call
/// stores; every attempt adds a fresh one with <see cref="WithBusinessId"/>.</para>
/// </summary>
public sealed record SellerRequest
{
    public const string TestFlagOn = "1";

    private SellerRequest(string activity, string body)
    {
        Activity = activity;
        Body = body;
    }

    public string Activity { get; }

    /// <summary>The canonical JSON body: the exact bytes (UTF-8) that are signed and sent.</summary>
    public string Body { get; }

    public bool IsKit => SellerActivities.IsKit(Activity);

    public string? BusinessId => StringField("businessId");

    public bool IsTest => StringField("testFlag") == TestFlagOn
        || (IsKit && ToJsonObject()["testFlag"] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.ToJsonString() == "1");

    /// <summary>A top-level string member of the body, or null.</summary>
    public string? StringField(string name) =>
        ToJsonObject()[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>A fresh, mutable copy of the body.</summary>
    public JsonObject ToJsonObject() => (JsonObject)JsonNode.Parse(Body)!;

    /// <summary><c>newInstance</c> (§7.5): order paid. <paramref name="businessId"/> is new for every request; null builds the stored template.</summary>
    public static SellerRequest NewInstance(string orderId, string orderLineId, string? businessId, bool test = false) =>
        Base(SellerActivities.NewInstance, test,
            ("orderId", orderId), ("orderLineId", orderLineId), ("businessId", businessId));

    /// <summary><c>queryInstance</c> (§7.5): 1 to 100 instance ids, sent comma-separated.</summary>
    public static SellerRequest QueryInstance(IEnumerable<string> instanceIds, bool test = false)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        return Base(SellerActivities.QueryInstance, test, ("instanceId", string.Join(',', instanceIds)));
    }

    /// <summary><c>refreshInstance</c> (§7.5): trial to formal, renewal, renewal-period unsubscribe or renewal change.
    /// <paramref name="expireTime"/> is sent in UTC as <c>yyyyMMddHHmmss</c>.</summary>
    public static SellerRequest RefreshInstance(
        RefreshScene scene, string orderId, string orderLineId, string instanceId, DateTimeOffset expireTime,
        string? productId = null, bool test = false) =>
        Base(SellerActivities.RefreshInstance, test,
            ("scene", scene.ToWire()), ("orderId", orderId), ("orderLineId", orderLineId), ("instanceId", instanceId),
            ("productId", productId), ("expireTime", FormatExpireTime(expireTime)));

    /// <summary><c>updateInstanceStatus</c> (§7.5): FREEZE or UNFREEZE.</summary>
    public static SellerRequest UpdateInstanceStatus(string instanceId, InstanceStatusChange status, bool test = false) =>
        Base(SellerActivities.UpdateInstanceStatus, test, ("instanceId", instanceId), ("status", status.ToWire()));

    /// <summary><c>releaseInstance</c> (§7.5); the order ids are given when an unsubscribe triggered the release.</summary>
    public static SellerRequest ReleaseInstance(string instanceId, string? orderId = null, string? orderLineId = null, bool test = false) =>
        Base(SellerActivities.ReleaseInstance, test, ("instanceId", instanceId), ("orderId", orderId), ("orderLineId", orderLineId));

    /// <summary><c>upgradeInstance</c> (§7.5): the instance keeps its id; the order is the upgrade order.</summary>
    public static SellerRequest UpgradeInstance(string instanceId, string orderId, string orderLineId, bool test = false) =>
        Base(SellerActivities.UpgradeInstance, test, ("instanceId", instanceId), ("orderId", orderId), ("orderLineId", orderLineId));

    /// <summary><c>refreshLicenseCode</c> (§10, P35): a license code renewed (scene RENEWAL) or a renewal period unsubscribed
    /// (UNSUBSCRIBE_RENEWAL_PERIOD); <paramref name="orderId"/> is the renewal or unsubscribe order.</summary>
    public static SellerRequest RefreshLicenseCode(
        RefreshScene scene, string orderId, string orderLineId, string license, DateTimeOffset expireTime, string? productId = null, bool test = false) =>
        Base(SellerActivities.RefreshLicenseCode, test,
            ("scene", scene.ToWire()), ("orderId", orderId), ("orderLineId", orderLineId), ("license", license),
            ("productId", productId), ("expireTime", FormatExpireTime(expireTime)));

    /// <summary><c>updateLicenseCodeStatus</c> (§10, P36): FREEZE or UNFREEZE a license code.</summary>
    public static SellerRequest UpdateLicenseCodeStatus(string license, InstanceStatusChange status, bool test = false) =>
        Base(SellerActivities.UpdateLicenseCodeStatus, test, ("license", license), ("status", status.ToWire()));

    /// <summary><c>releaseLicenseCode</c> (§10, P37); the order ids are given when an unsubscribe released the code.</summary>
    public static SellerRequest ReleaseLicenseCode(string license, string? orderId = null, string? orderLineId = null, bool test = false) =>
        Base(SellerActivities.ReleaseLicenseCode, test, ("license", license), ("orderId", orderId), ("orderLineId", orderLineId));

    /// <summary><c>changeInstanceCheck</c> (§7.5): before a renewal with a change. <c>productInfo</c> is an object whose
    /// fields are not documented; it is sent with its keys sorted.</summary>
    public static SellerRequest ChangeInstanceCheck(string instanceId, JsonObject productInfo, bool test = false)
    {
        ArgumentNullException.ThrowIfNull(productInfo);
        var members = new List<KeyValuePair<string, object?>>
        {
            new("activity", SellerActivities.ChangeInstanceCheck),
            new("instanceId", instanceId),
            new("productInfo", productInfo.DeepClone()),
        };
        if (test)
        {
            members.Add(new("testFlag", TestFlagOn));
        }

        return Create(SellerActivities.ChangeInstanceCheck, CanonicalJson.Serialize(members), requireBusinessId: false);
    }

    /// <summary>A Kit call (§7.7): the body as given (numbers allowed), canonicalized; the path names the activity.</summary>
    public static SellerRequest Kit(string activity, IEnumerable<KeyValuePair<string, object?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return Create(activity, CanonicalJson.Serialize(fields), requireBusinessId: false);
    }

    /// <summary>Rebuilds a request from a stored activity and body (re-canonicalized and validated).</summary>
    /// <exception cref="ArgumentException">The body is not a valid request of the activity.</exception>
    public static SellerRequest FromBody(string activity, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        string canonical;
        try
        {
            canonical = CanonicalJson.Canonicalize(body);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException(ex.Message, nameof(body), ex);
        }

        return Create(activity, canonical, requireBusinessId: false);
    }

    /// <summary>This request with a (new) <c>businessId</c>. Only <c>newInstance</c> carries one.</summary>
    public SellerRequest WithBusinessId(string businessId)
    {
        if (Activity != SellerActivities.NewInstance)
        {
            throw new InvalidOperationException($"{Activity} requests carry no businessId.");
        }

        var body = ToJsonObject();
        body["businessId"] = businessId;
        return Create(Activity, CanonicalJson.Serialize(body), requireBusinessId: true);
    }

    /// <summary>This request without its <c>businessId</c> (the stable template of a call).</summary>
    public SellerRequest WithoutBusinessId()
    {
        var body = ToJsonObject();
        return body.Remove("businessId") ? new SellerRequest(Activity, CanonicalJson.Serialize(body)) : this;
    }

    /// <summary><c>expireTime</c> format: UTC <c>yyyyMMddHHmmss</c>.</summary>
    public static string FormatExpireTime(DateTimeOffset expireTime) =>
        expireTime.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>
    /// Checks a body against §7.5 (mandatory fields, lengths, value sets); null when valid. A <c>newInstance</c> template
    /// without <c>businessId</c> is valid unless <paramref name="requireBusinessId"/>.
    /// </summary>
    public static DomainError? Validate(string activity, string body, bool requireBusinessId = true)
    {
        JsonObject obj;
        try
        {
            obj = JsonNode.Parse(body) as JsonObject ?? throw new FormatException("not an object");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentNullException)
        {
            return Invalid($"The {activity} body is not a JSON object.");
        }

        if (SellerActivities.IsKit(activity))
        {
            return obj.ContainsKey("activity") ? Invalid("Kit bodies carry no activity member; the path names it.") : null;
        }

        if (!SellerActivities.IsBase(activity))
        {
            return Invalid($"Unknown seller activity '{activity}'.");
        }

        if (Str(obj, "activity") != activity)
        {
            return Invalid($"The body's activity must be '{activity}'.");
        }

        foreach (var (name, value) in obj)
        {
            var allowedObject = activity == SellerActivities.ChangeInstanceCheck && name == "productInfo";
            if (!allowedObject && !(value is JsonValue v && v.GetValueKind() == JsonValueKind.String))
            {
                return Invalid($"{activity}.{name} must be a string (base-interface fields are all strings).");
            }
        }

        var testFlag = Str(obj, "testFlag");
        if (testFlag is not null && testFlag is not ("0" or "1"))
        {
            return Invalid("testFlag must be \"1\" (debug) or \"0\".");
        }

        return activity switch
        {
            SellerActivities.NewInstance =>
                Required(obj, "orderId") ?? Required(obj, "orderLineId")
                ?? (requireBusinessId ? Required(obj, "businessId") : Optional(obj, "businessId")),
            SellerActivities.QueryInstance => ValidateInstanceIds(Str(obj, "instanceId")),
            SellerActivities.RefreshInstance =>
                OneOf(obj, "scene", ["TRIAL_TO_FORMAL", "RENEWAL", "UNSUBSCRIBE_RENEWAL_PERIOD", "RENEWAL_CHANGE"])
                ?? Required(obj, "orderId") ?? Required(obj, "orderLineId") ?? Required(obj, "instanceId")
                ?? Optional(obj, "productId") ?? ValidateExpireTime(Str(obj, "expireTime")),
            SellerActivities.UpdateInstanceStatus => Required(obj, "instanceId") ?? OneOf(obj, "status", ["FREEZE", "UNFREEZE"]),
            SellerActivities.ReleaseInstance => Required(obj, "instanceId") ?? Optional(obj, "orderId") ?? Optional(obj, "orderLineId"),
            SellerActivities.UpgradeInstance => Required(obj, "instanceId") ?? Required(obj, "orderId") ?? Required(obj, "orderLineId"),
            SellerActivities.RefreshLicenseCode =>
                OneOf(obj, "scene", ["RENEWAL", "UNSUBSCRIBE_RENEWAL_PERIOD"])
                ?? Required(obj, "orderId") ?? Required(obj, "orderLineId") ?? Required(obj, "license")
                ?? Optional(obj, "productId") ?? ValidateExpireTime(Str(obj, "expireTime")),
            SellerActivities.UpdateLicenseCodeStatus => Required(obj, "license") ?? OneOf(obj, "status", ["FREEZE", "UNFREEZE"]),
            SellerActivities.ReleaseLicenseCode => Required(obj, "license") ?? Optional(obj, "orderId") ?? Optional(obj, "orderLineId"),
            SellerActivities.ChangeInstanceCheck =>
                Required(obj, "instanceId")
                ?? (obj["productInfo"] is JsonObject ? null : Invalid("changeInstanceCheck.productInfo is required and must be an object.")),
            _ => null,
        };
    }

    private static SellerRequest Base(string activity, bool test, params (string Name, string? Value)[] fields)
    {
        var members = new List<KeyValuePair<string, string?>> { new("activity", activity) };
        members.AddRange(fields.Select(f => new KeyValuePair<string, string?>(f.Name, f.Value)));
        if (test)
        {
            members.Add(new("testFlag", TestFlagOn));
        }

        return Create(activity, CanonicalJson.Serialize(members), requireBusinessId: false);
    }

    private static SellerRequest Create(string activity, string canonicalBody, bool requireBusinessId)
    {
        ArgumentException.ThrowIfNullOrEmpty(activity);
        var error = Validate(activity, canonicalBody, requireBusinessId);
        return error is null ? new SellerRequest(activity, canonicalBody) : throw new ArgumentException(error.Detail);
    }

    private static string? Str(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static DomainError Invalid(string detail) => DomainError.Invalid("validation.failed", detail);

    private static DomainError? Required(JsonObject obj, string name, int max = SellerFieldLimits.Id)
    {
        var value = Str(obj, name);
        if (string.IsNullOrWhiteSpace(value))
        {
            return Invalid($"{Str(obj, "activity")}.{name} is required.");
        }

        return value.Length > max ? Invalid($"{name} is longer than {max} characters.") : null;
    }

    private static DomainError? Optional(JsonObject obj, string name, int max = SellerFieldLimits.Id)
    {
        var value = Str(obj, name);
        return value is not null && (value.Length == 0 || value.Length > max)
            ? Invalid($"{name}, when given, must be 1 to {max} characters.")
            : null;
    }

    private static DomainError? OneOf(JsonObject obj, string name, string[] allowed)
    {
        var value = Str(obj, name);
        return value is not null && allowed.Contains(value, StringComparer.Ordinal)
            ? null
            : Invalid($"{name} must be one of {string.Join(", ", allowed)}.");
    }

    private static DomainError? ValidateInstanceIds(string? joined)
    {
        if (string.IsNullOrEmpty(joined))
        {
            return Invalid("queryInstance needs at least one instanceId.");
        }

        var ids = joined.Split(',');
        if (ids.Length > SellerFieldLimits.QueryInstanceBatch)
        {
            return Invalid($"queryInstance takes at most {SellerFieldLimits.QueryInstanceBatch} instance ids; got {ids.Length}.");
        }

        return ids.Any(id => id.Length == 0 || id.Length > SellerFieldLimits.Id || id.Trim() != id)
            ? Invalid($"Each queryInstance instanceId must be 1 to {SellerFieldLimits.Id} characters, without commas or surrounding spaces.")
            : null;
    }

    private static DomainError? ValidateExpireTime(string? value) =>
        value is not null && DateTime.TryParseExact(value, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? null
            : Invalid("expireTime is required as UTC yyyyMMddHHmmss.");
}

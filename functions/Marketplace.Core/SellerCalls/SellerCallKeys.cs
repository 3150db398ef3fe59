using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.SellerCalls;

/// <summary>
/// Deterministic seller-call ids (domain.md §7.10): the business key is activity + orderId + orderLineId
/// (+ scene or status, + instanceId when the activity has no order, + a caller discriminator). The same business
/// key always gives the same call id, so creating a call twice creates it once.
/// </summary>
public static class SellerCallKeys
{
    public const string Prefix = "sc-";

    /// <summary>The readable business key: the parts joined with <c>|</c> (a <c>|</c> or <c>%</c> inside a part is escaped).</summary>
    public static string BusinessKey(string activity, string? orderId, string? orderLineId, string? qualifier = null, string? instanceId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(activity);
        return string.Join('|', new[] { activity, orderId, orderLineId, qualifier, instanceId }.Select(Escape));
    }

    /// <summary>The call id of a business key: <c>sc-</c> and 40 hex characters of its SHA-256 (safe as a Table RowKey).</summary>
    public static string For(string activity, string? orderId, string? orderLineId, string? qualifier = null, string? instanceId = null) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(BusinessKey(activity, orderId, orderLineId, qualifier, instanceId))))[..40];

    /// <summary>
    /// The call id of a request. The qualifier is the <c>scene</c> (refreshInstance) or <c>status</c> (updateInstanceStatus),
    /// followed by <paramref name="discriminator"/> when given. Activities without an order add the instanceId (license-code
    /// calls: the license code).
    /// Repeatable activities (updateInstanceStatus FREEZE after UNFREEZE after FREEZE, Kit syncs) need a discriminator
    /// naming the cause (e.g. the id of the event that froze the instance); without one, a Kit call is keyed by its body.
    /// The <c>businessId</c> of newInstance never takes part.
    /// </summary>
    public static string For(SellerRequest request, string? discriminator = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.WithoutBusinessId();
        var qualifier = request.Activity switch
        {
            SellerActivities.RefreshInstance or SellerActivities.RefreshLicenseCode => body.StringField("scene"),
            SellerActivities.UpdateInstanceStatus or SellerActivities.UpdateLicenseCodeStatus => body.StringField("status"),
            _ when request.IsKit && discriminator is null => Convert.ToHexStringLower(SHA256.HashData(CanonicalJson.ToUtf8(body.Body))),
            _ => null,
        };
        if (discriminator is not null)
        {
            qualifier = qualifier is null ? discriminator : qualifier + "/" + discriminator;
        }

        var obj = body.ToJsonObject();
        // A license-code call names the code where an instance call names the instance.
        return For(request.Activity, Str(obj, "orderId"), Str(obj, "orderLineId"), qualifier, Str(obj, "instanceId") ?? Str(obj, "license"));
    }

    private static string? Str(JsonObject obj, string name) => obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Escape(string? part) => (part ?? "").Replace("%", "%25", StringComparison.Ordinal).Replace("|", "%7C", StringComparison.Ordinal);
}

using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Core.Common;

namespace Marketplace.Core.Licenses;

/// <summary>
/// The body of <c>POST /api/mkp-openapi-public/global/v1/license/activate</c> (P39, KooGallery's "激活授权码"):
/// <c>{"license":"PL...","real_effect_time":"yyyyMMddHHmmss"}</c> (<c>licenseCode</c> is taken for <c>license</c> too);
/// <c>real_effect_time</c> (optional, UTC) is when the
/// software took effect, not before the order; without it the activation time is the moment of the call.
/// </summary>
public sealed record LicenseActivateRequest(string License, DateTimeOffset? RealEffectTime)
{
    /// <summary>A larger body is refused with 413 before it is read.</summary>
    public const int MaxBodyBytes = 8 * 1024;

    public static LicenseActivateRequest Parse(string body)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Invalid("The body must be a JSON object: {\"license\":\"...\"}.");
        }

        if (root.ValueKind != JsonValueKind.Object) throw Invalid("The body must be a JSON object: {\"license\":\"...\"}.");
        // KooGallery names the code "license"; the platform's own contract names it "licenseCode". Either is taken.
        var license = Text(root, "license");
        var licenseCode = Text(root, "licenseCode");
        if (license is not null && licenseCode is not null && license != licenseCode) throw Invalid("license and licenseCode name different codes; send one.");
        license ??= licenseCode;
        if (string.IsNullOrEmpty(license) || license.Length > 64) throw Invalid("license is required: the license code, at most 64 characters.");

        DateTimeOffset? effective = null;
        if (root.TryGetProperty("real_effect_time", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind != JsonValueKind.String
                || !DateTime.TryParseExact(t.GetString(), "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                throw Invalid("real_effect_time must be UTC yyyyMMddHHmmss.");
            effective = new DateTimeOffset(parsed, TimeSpan.Zero);
        }

        return new LicenseActivateRequest(license, effective);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DomainException Invalid(string detail) => new(DomainError.BadRequest(LicenseErrors.ValidationFailed, detail));
}

/// <summary>KooGallery's answer to an activation: <c>error_code</c> 92020000 and the code's information as a JSON string.</summary>
public sealed record LicenseActivateResponse(
    [property: JsonPropertyName("error_code")] string ErrorCode,
    [property: JsonPropertyName("error_msg")] string ErrorMsg,
    [property: JsonPropertyName("data")] LicenseActivateData Data)
{
    private static readonly JsonSerializerOptions InfoJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The answer for an activated code. P39: <c>license_code_info</c> is a JSON string with <c>status</c> (ALIVE),
    /// <c>expire_time</c>, <c>product_id</c>, <c>order_id</c> and <c>amount</c>; here also <c>activate_time</c> (§5.8), the
    /// first activation's, so a repeated activation answers the same.
    /// </summary>
    public static LicenseActivateResponse Success(LicenseCode l, DateTimeOffset now)
    {
        var info = new Dictionary<string, object?>
        {
            ["status"] = WireStatus(l, now),
            ["activate_time"] = Format(l.ActivatedAt),
        };
        if (l.ExpireTime is { } expire) info["expire_time"] = Format(expire);
        info["product_id"] = l.ProductId;
        info["amount"] = 1; // one code per order line: the order carries no quantity
        info["order_id"] = l.OrderId;
        return new(LicenseOpenApiCodes.Success, "success", new LicenseActivateData(JsonSerializer.Serialize(info, InfoJson)));
    }

    /// <summary>The heartbeat's words (P38): ALIVE, EXPIRED or RELEASED; a frozen code is FROZEN (P36).</summary>
    public static string WireStatus(LicenseCode l, DateTimeOffset now) => l.Status switch
    {
        LicenseStatus.Released => "RELEASED",
        LicenseStatus.Frozen => "FROZEN",
        _ when l.ExpireTime < now => "EXPIRED",
        _ => "ALIVE",
    };

    private static string? Format(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
}

public sealed record LicenseActivateData([property: JsonPropertyName("license_code_info")] string LicenseCodeInfo);

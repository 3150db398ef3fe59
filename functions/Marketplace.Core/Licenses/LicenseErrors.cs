using Marketplace.Core.Common;

namespace Marketplace.Core.Licenses;

/// <summary>The stable error codes of license codes.</summary>
public static class LicenseErrors
{
    public const string NotFoundCode = "license.not-found";
    public const string NotReceived = "license.not-received";
    public const string InvalidState = "license.invalid-state";
    public const string ValidationFailed = "validation.failed";

    public static DomainError NotFound() => DomainError.NotFound(NotFoundCode, "The license code does not exist.");

    public static DomainError State(LicenseCode l, string doing, string why) =>
        DomainError.Conflict(InvalidState, $"The license code of order {l.OrderId} is {Wire(l.Status)}; {doing} is not allowed ({why}).");

    public static DomainError Invalid(string detail) => DomainError.Invalid(ValidationFailed, detail);

    public static string Wire(LicenseStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());
}

/// <summary>
/// KooGallery's open-API result codes of the activation route (P39), carried as <c>error_code</c>/<c>error_msg</c> next to
/// the problem's own code, so a seller's software written against KooGallery reads the code it knows.
/// </summary>
public static class LicenseOpenApiCodes
{
    public const string Success = "92020000";
    public const string InternalError = "92020001";
    public const string InvalidParam = "92020002";
    public const string IllegalState = "92020003";
    public const string NotReceived = "92020004";
    public const string NotExist = "92020005";

    /// <summary>The open-API code and message of an activation refusal, or null for one that has none (authentication: 401).</summary>
    public static (string Code, string Message)? For(string errorCode) => errorCode switch
    {
        LicenseErrors.NotFoundCode => (NotExist, "license code notexist"),
        LicenseErrors.NotReceived => (NotReceived, "can not active before user received."),
        LicenseErrors.InvalidState or Supervision.CaseErrors.FrozenCode or Supervision.CaseErrors.InvalidTransition => (IllegalState, "illegal state"),
        LicenseErrors.ValidationFailed => (InvalidParam, "invalid param"),
        _ => null,
    };
}

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>The V2 result codes a seller answers with (domain.md §7.4), and what each one means.</summary>
public static class ResultCodes
{
    public const string Success = "000000";
    public const string AuthenticationFailed = "000001";
    public const string InvalidParameter = "000002";
    public const string InstanceNotFound = "000003";
    public const string InProgress = "000004";
    public const string InternalError = "000005";
    public const string NoResourceAvailable = "000100";
    public const string MobileMissingOrExists = "000101";
    public const string EmailMissingOrExists = "000102";
    public const string AlreadyPurchased = "000103";
    public const string ServiceInternalError = "000104";
    public const string BenefitsAlreadySubscribed = "000105";
    public const string SoldOut = "000106";
    public const string EmailDomainExists = "000107";

    /// <summary>Every documented code with its meaning.</summary>
    public static IReadOnlyDictionary<string, string> Meanings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Success] = "success",
        [AuthenticationFailed] = "authentication failed (the seller could not verify the signature)",
        [InvalidParameter] = "invalid request parameter",
        [InstanceNotFound] = "instance does not exist",
        [InProgress] = "request is being processed (the platform polls queryInstance)",
        [InternalError] = "other internal error at the seller",
        [NoResourceAvailable] = "no instance resource available",
        [MobileMissingOrExists] = "mobile number not specified or already exists",
        [EmailMissingOrExists] = "email address not specified or already exists",
        [AlreadyPurchased] = "product already purchased",
        [ServiceInternalError] = "internal service error",
        [BenefitsAlreadySubscribed] = "account has already subscribed to benefits",
        [SoldOut] = "product resources sold out",
        [EmailDomainExists] = "SaaS email domain already exists",
    };

    public static bool IsKnown(string? code) => code is not null && Meanings.ContainsKey(code);

    /// <summary>The meaning of a code, or "unknown result code" for an undocumented one.</summary>
    public static string Describe(string? code) =>
        code is not null && Meanings.TryGetValue(code, out var meaning) ? meaning : "unknown result code";
}

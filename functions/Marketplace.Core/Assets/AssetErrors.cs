using Marketplace.Core.Common;

namespace Marketplace.Core.Assets;

public static class AssetErrors
{
    public const string NotFoundCode = "asset.not-found";
    public const string InvalidTransition = "asset.invalid-transition";
    public const string NotApproved = "asset.not-approved";
    public const string InUse = "asset.in-use";
    public const string UnsupportedFormat = "asset.unsupported-format";
    public const string TooLarge = "asset.too-large";
    public const string InvalidDataFile = "asset.invalid-data-file";
    public const string InvalidFileName = "asset.invalid-file-name";
    public const string Empty = "asset.empty";
    public const string ValidationFailed = "validation.failed";

    public static DomainError NotFound(string? assetId = null) =>
        DomainError.NotFound(NotFoundCode, assetId is null ? "The asset does not exist." : $"Asset {assetId} does not exist.");

    public static DomainError Invalid(string detail) => DomainError.Invalid(ValidationFailed, detail);
}

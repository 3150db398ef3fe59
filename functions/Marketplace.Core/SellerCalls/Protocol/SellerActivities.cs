namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>The wire names of the seller activities (domain.md §7.5 base interfaces, §7.7 Kit interfaces).</summary>
public static class SellerActivities
{
    public const string NewInstance = "newInstance";
    public const string QueryInstance = "queryInstance";
    public const string RefreshInstance = "refreshInstance";
    public const string UpdateInstanceStatus = "updateInstanceStatus";
    public const string ReleaseInstance = "releaseInstance";
    public const string UpgradeInstance = "upgradeInstance";
    public const string ChangeInstanceCheck = "changeInstanceCheck";

    // License 2.0 codes (§10, P35–P37): base interfaces about a license code instead of an instance.
    public const string RefreshLicenseCode = "refreshLicenseCode";
    public const string UpdateLicenseCodeStatus = "updateLicenseCodeStatus";
    public const string ReleaseLicenseCode = "releaseLicenseCode";

    public const string TenantSync = "tenantSync";
    public const string ApplicationSync = "applicationSync";
    public const string AuthSync = "authSync";
    public const string SingleOrgSync = "singleOrgSync";
    public const string AllOrgSync = "allOrgSync";

    public static IReadOnlyList<string> Base { get; } =
    [
        NewInstance, QueryInstance, RefreshInstance, UpdateInstanceStatus, ReleaseInstance, UpgradeInstance, ChangeInstanceCheck,
        RefreshLicenseCode, UpdateLicenseCodeStatus, ReleaseLicenseCode,
    ];

    /// <summary>The License 2.0 code activities (signed and sent like the other base interfaces).</summary>
    public static IReadOnlyList<string> License { get; } = [RefreshLicenseCode, UpdateLicenseCodeStatus, ReleaseLicenseCode];

    public static IReadOnlyList<string> Kit { get; } = [TenantSync, ApplicationSync, AuthSync, SingleOrgSync, AllOrgSync];

    public static bool IsBase(string? activity) => activity is not null && Base.Contains(activity, StringComparer.Ordinal);

    public static bool IsLicense(string? activity) => activity is RefreshLicenseCode or UpdateLicenseCodeStatus or ReleaseLicenseCode;

    public static bool IsKit(string? activity) => activity is not null && Kit.Contains(activity, StringComparer.Ordinal);

    public static bool IsKnown(string? activity) => IsBase(activity) || IsKit(activity);

    /// <summary>Activities for which <c>000004</c> means "processing": the platform then polls <c>queryInstance</c>.</summary>
    public static bool MayAnswerInProgress(string? activity) => activity is NewInstance or UpgradeInstance;
}

/// <summary>The <c>scene</c> of a <c>refreshInstance</c> call.</summary>
public enum RefreshScene
{
    TrialToFormal,
    Renewal,
    UnsubscribeRenewalPeriod,
    RenewalChange,
}

/// <summary>The <c>status</c> of an <c>updateInstanceStatus</c> call.</summary>
public enum InstanceStatusChange
{
    Freeze,
    Unfreeze,
}

public static class SellerWireValues
{
    public static string ToWire(this RefreshScene scene) => scene switch
    {
        RefreshScene.TrialToFormal => "TRIAL_TO_FORMAL",
        RefreshScene.Renewal => "RENEWAL",
        RefreshScene.UnsubscribeRenewalPeriod => "UNSUBSCRIBE_RENEWAL_PERIOD",
        RefreshScene.RenewalChange => "RENEWAL_CHANGE",
        _ => throw new ArgumentOutOfRangeException(nameof(scene)),
    };

    public static string ToWire(this InstanceStatusChange status) => status switch
    {
        InstanceStatusChange.Freeze => "FREEZE",
        InstanceStatusChange.Unfreeze => "UNFREEZE",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}

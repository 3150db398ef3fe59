namespace Marketplace.Core.Supervision;

/// <summary>Which orders are supervised and how each flow starts (domain §6.1, §6.2 #1–#2).</summary>
public static class FlowVariants
{
    /// <summary>
    /// Public rule (domain §6.2 #2, P47): orders placed from 2025-03-26 (Beijing time) have the seller's
    /// "confirm requirement" step; older orders go from the requirement straight to SellerImplementing.
    /// </summary>
    public static readonly DateTimeOffset RequirementConfirmationFrom = new(2025, 3, 26, 0, 0, 0, TimeSpan.FromHours(8));

    /// <summary>
    /// The flow of a product's delivery type (the product's <c>deliveryType</c> on the API), or null when the
    /// delivery type is not supervised. §6.1: instantly activated SaaS (<c>saas</c>) is not supervised (P57);
    /// unknown types are not supervised either.
    /// </summary>
    public static FlowVariant? FromDeliveryType(string? deliveryType) => deliveryType switch
    {
        "manualService" => FlowVariant.Standard,
        "dataFile" => FlowVariant.DataFile,
        "saasOffline" => FlowVariant.OfflineSaas,
        "license" => FlowVariant.OfflineLicense,
        "appOrchestration" => FlowVariant.AppOrchestration,
        "licensePackage" => FlowVariant.LicensePackage,
        "licenseCode" => FlowVariant.License2,
        "hardware" => FlowVariant.Hardware,
        _ => null, // "saas" (instant SaaS), images, API, containers, ... are not supervised (§6.1, P57)
    };

    /// <summary>
    /// The flow of an order, or null when the order opens no case.
    /// §6.1 (P44/P45): "renewal orders are not supervised".
    /// </summary>
    public static FlowVariant? ForOrder(string? deliveryType, bool isRenewal) =>
        isRenewal ? null : FromDeliveryType(deliveryType);

    /// <summary>
    /// §6.2 #1: the standard kinds start at the buyer's requirement; app orchestration (P58), offline License
    /// (seed 003), hardware (§6.5 #1), License 2.0 (§6.2-L2 #1) and package deployment (§6.2-D, shown as
    /// SellerImplementing while deploying) start at SellerImplementing.
    /// </summary>
    public static bool HasRequirementStep(FlowVariant flow) =>
        flow is FlowVariant.Standard or FlowVariant.DataFile or FlowVariant.OfflineSaas;

    public static CaseState InitialState(FlowVariant flow) =>
        HasRequirementStep(flow) ? CaseState.AwaitingRequirement : CaseState.SellerImplementing;

    /// <summary>§6.2 #2 (P47): whether the seller confirms the requirement for an order placed at <paramref name="orderedAt"/>.</summary>
    public static bool HasRequirementConfirmation(DateTimeOffset orderedAt) => orderedAt >= RequirementConfirmationFrom;

    /// <summary>
    /// §6.2 #5 (seed 001, seed 004): flows whose delivery goes to the platform review in the
    /// enablement-cloud and base-cloud scenarios. License 2.0 is reviewed after the proof instead (§6.2-L2 #4);
    /// hardware (logistics, no report) and package deployment (no acceptance document) are not reviewed.
    /// </summary>
    public static bool ReviewsDelivery(FlowVariant flow) =>
        flow is FlowVariant.Standard or FlowVariant.DataFile or FlowVariant.OfflineSaas
            or FlowVariant.OfflineLicense or FlowVariant.AppOrchestration;
}

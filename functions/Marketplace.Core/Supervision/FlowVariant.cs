namespace Marketplace.Core.Supervision;

/// <summary>Which supervision flow a case follows (domain §6.1).</summary>
public enum FlowVariant
{
    /// <summary>Manual service, standard kind (§6.2).</summary>
    Standard,

    /// <summary>Data file products: the standard flow (seed 004).</summary>
    DataFile,

    /// <summary>SaaS delivered offline: the standard flow with the seller's requirement confirmation.</summary>
    OfflineSaas,

    /// <summary>License delivered offline: the standard flow without a requirement step (seed 003).</summary>
    OfflineLicense,

    /// <summary>App orchestration: the standard flow starting at SellerImplementing.</summary>
    AppOrchestration,

    /// <summary>License software package deployment (§6.2-D).</summary>
    LicensePackage,

    /// <summary>License 2.0, online license code (§6.2-L2).</summary>
    License2,

    /// <summary>Hardware (§6.5).</summary>
    Hardware,
}

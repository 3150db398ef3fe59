namespace Marketplace.Core.Supervision;

/// <summary>The sales scenario of the order (seed 001, seed 004, P46).</summary>
public enum Scenario
{
    /// <summary>General products: no platform review (wire name <c>standard</c>).</summary>
    Standard,

    /// <summary>赋能云, federated enablement cloud: the platform reviews the acceptance report (<c>enablementCloud</c>).</summary>
    EnablementCloud,

    /// <summary>基地云, federated base cloud: the platform reviews the acceptance report (<c>baseCloud</c>).</summary>
    BaseCloud,
}

public static class Scenarios
{
    public const string StandardWire = "standard";
    public const string EnablementCloudWire = "enablementCloud";
    public const string BaseCloudWire = "baseCloud";

    /// <summary>Seed 001 / seed 004: the enablement-cloud and base-cloud scenarios go through the platform review.</summary>
    public static bool NeedsPlatformReview(this Scenario scenario) => scenario is Scenario.EnablementCloud or Scenario.BaseCloud;

    public static string ToWire(this Scenario scenario) => scenario switch
    {
        Scenario.EnablementCloud => EnablementCloudWire,
        Scenario.BaseCloud => BaseCloudWire,
        _ => StandardWire,
    };

    /// <summary>The scenario of a wire name; null or empty means <c>standard</c>; an unknown name gives null.</summary>
    public static Scenario? Parse(string? wire) => wire switch
    {
        null or "" or StandardWire => Scenario.Standard,
        EnablementCloudWire => Scenario.EnablementCloud,
        BaseCloudWire => Scenario.BaseCloud,
        _ => null,
    };
}

namespace Marketplace.Core.Supervision;

/// <summary>When a party may open an appeal (decisions §16 #10).</summary>
public enum AppealPolicy
{
    /// <summary>Seeds 000 and 004: only after rejections or a stalled step of the other side (the default).</summary>
    Conditional,

    /// <summary>Seed 003: either party, at any step, at any time.</summary>
    AnyTime,
}

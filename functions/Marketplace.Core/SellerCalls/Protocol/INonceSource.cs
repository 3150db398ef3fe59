using System.Security.Cryptography;

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>Where nonces and business ids come from. Used at the edge only; the decision logic takes them as arguments.</summary>
public interface INonceSource
{
    /// <summary>A fresh nonce: 64 upper-case hex characters (as in Huawei's examples).</summary>
    string NewNonce();

    /// <summary>A fresh <c>businessId</c> for a newInstance attempt (a UUID, ≤ 64 characters).</summary>
    string NewBusinessId();
}

/// <summary>The default source: cryptographic random nonces, random UUID business ids.</summary>
public sealed class RandomNonceSource : INonceSource
{
    public static RandomNonceSource Instance { get; } = new();

    public string NewNonce() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public string NewBusinessId() => Guid.NewGuid().ToString("D");
}

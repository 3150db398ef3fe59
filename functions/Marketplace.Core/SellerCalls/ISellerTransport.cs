using Marketplace.Core.SellerCalls.Protocol;

namespace Marketplace.Core.SellerCalls;

/// <summary>
/// Sends one signed request to a seller's server and reports what came back, never throwing for the seller's faults:
/// a status and body, a timeout (<paramref name="timeout"/>, 5 s by default) or a transport error. Only the caller's
/// cancellation ends it with an exception.
/// </summary>
public interface ISellerTransport
{
    Task<SellerResponse> SendAsync(SignedSellerRequest request, TimeSpan timeout, CancellationToken ct);
}

using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Metering;
using Marketplace.Core.SellerApi;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Tests.SellerApi;

public class SellerServerAuthTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1680508066618);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class MemoryNonces : INonceStore
    {
        private readonly HashSet<string> _seen = [];

        public Task<bool> TryClaimAsync(string scope, string nonce, DateTimeOffset expiresAt, CancellationToken ct) =>
            Task.FromResult(_seen.Add(scope + "/" + nonce));
    }

    private static readonly Seller Seller = new()
    {
        SellerId = "SL1", Name = "Acme", ProductionUrl = "https://www.acme.example.com/p", RegisteredAt = Now.AddDays(-30),
        Keys =
        [
            new SellerKey("K1", "old-key", "kk1", Now.AddDays(-30), Now.AddDays(-30), Now.AddDays(1)),
            new SellerKey("K2", "new-key", "kk2", Now.AddDays(-1), Now.AddHours(-1), null),
            new SellerKey("K0", "retired-key", "kk0", Now.AddDays(-90), Now.AddDays(-90), Now.AddDays(-1)),
        ],
    };

    private readonly SellerServerAuth _auth = new(new MemoryNonces(), Options.Create(new SellerApiOptions()), new FixedTime(Now));

    private static SellerSignedRequest Signed(string key, long ts, string nonce, string body = "") =>
        new(UsagePushSignature.Sign(key, ts, nonce, body), ts.ToString(System.Globalization.CultureInfo.InvariantCulture), nonce, body);

    private async Task<string> CodeAsync(SellerSignedRequest request) =>
        (await Assert.ThrowsAsync<DomainException>(() => _auth.AuthenticateAsync(Seller, request, default))).Error.Code;

    [Fact]
    public async Task A_request_signed_with_any_live_key_passes_once()
    {
        var ts = Now.ToUnixTimeMilliseconds();
        Assert.Equal("K1", (await _auth.AuthenticateAsync(Seller, Signed("old-key", ts, "n1"), default)).KeyId);
        Assert.Equal("K2", (await _auth.AuthenticateAsync(Seller, Signed("new-key", ts, "n2"), default)).KeyId);
        Assert.Equal(SellerServerAuth.NonceReused, await CodeAsync(Signed("new-key", ts, "n2")));
        Assert.Equal(SellerServerAuth.BadSignature, await CodeAsync(Signed("retired-key", ts, "n3")));
    }

    [Fact]
    public async Task Stale_missing_or_malformed_headers_are_refused_before_the_signature()
    {
        var ts = Now.ToUnixTimeMilliseconds();
        Assert.Equal(SellerServerAuth.StaleTimestamp, await CodeAsync(Signed("new-key", ts - 61_000, "n4")));
        Assert.Equal(SellerServerAuth.StaleTimestamp, await CodeAsync(Signed("new-key", ts + 61_000, "n5")));
        Assert.Equal(SellerServerAuth.StaleTimestamp, await CodeAsync(new SellerSignedRequest("sig", "1680508066", "n6", ""))); // seconds, not ms
        Assert.Equal(SellerServerAuth.BadNonce, await CodeAsync(Signed("new-key", ts, "a/b")));
        Assert.Equal(SellerServerAuth.Missing, await CodeAsync(new SellerSignedRequest(null, "1", "n", "")));
        Assert.Equal(ErrorKind.Unauthorized, _auth.CheckHeaders(new SellerSignedRequest("s", "x", "n", ""))!.Kind);
        // A bad signature does not burn the nonce.
        Assert.Equal(SellerServerAuth.BadSignature, await CodeAsync(Signed("wrong", ts, "n7")));
        Assert.Equal("K2", (await _auth.AuthenticateAsync(Seller, Signed("new-key", ts, "n7"), default)).KeyId);
    }

    [Fact]
    public void A_GET_signs_an_empty_body()
    {
        Assert.Equal("ts=1680508066618&nonce=6c63c221-1f6b-4141-8ff4-22f5dfe82b65&body=",
            UsagePushSignature.StringToSign(1680508066618, "6c63c221-1f6b-4141-8ff4-22f5dfe82b65", ""));
    }
}

using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;

namespace Marketplace.Core.Tests.Catalogue;

public class SellerKeyRulesTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Actor Self = new("SL1", Role.Seller);
    private static readonly TimeSpan Overlap = TimeSpan.FromDays(7);

    private static Seller Registered() =>
        SellerRules.Apply(null, (SellerRegistered)SellerRules.Register(null, "SL1", "Acme", "https://www.acme.example.com/p", null,
            new SellerKey("K1", "ak1", "kk1", T0, null, null), T0).Events[0]);

    private static Seller Apply(Seller s, Decision<SellerEvent> d)
    {
        Assert.False(d.IsRejected, d.Error?.Detail);
        return d.Events.Aggregate(s, SellerRules.Apply);
    }

    [Fact]
    public void A_new_key_works_inbound_at_once_and_outbound_only_after_activation()
    {
        var seller = Apply(Registered(), SellerKeyRules.Issue(Registered(), Self, new SellerKey("K2", "ak2", "kk2", T0, null, null), T0.AddHours(1)));
        Assert.Equal("K1", seller.OutboundKey.KeyId);
        Assert.Equal(["K1", "K2"], seller.InboundKeys(T0.AddHours(2)).Select(k => k.KeyId));

        var at = T0.AddDays(1);
        seller = Apply(seller, SellerKeyRules.Activate(seller, Self, "K2", at, Overlap));
        Assert.Equal("K2", seller.OutboundKey.KeyId);
        Assert.Equal(["K1", "K2"], seller.InboundKeys(at + Overlap - TimeSpan.FromSeconds(1)).Select(k => k.KeyId));
        Assert.Equal(["K2"], seller.InboundKeys(at + Overlap).Select(k => k.KeyId));
        Assert.Empty(SellerKeyRules.Activate(seller, Self, "K2", at, Overlap).Events); // again: nothing
        Assert.Equal("seller.key-retired", SellerKeyRules.Activate(seller, Self, "K1", at, Overlap).Error!.Code);
    }

    [Fact]
    public void Issuing_again_withdraws_the_pending_key_and_only_the_seller_itself_may_rotate()
    {
        var seller = Registered();
        seller = Apply(seller, SellerKeyRules.Issue(seller, Self, new SellerKey("K2", "ak2", "kk2", T0, null, null), T0));
        seller = Apply(seller, SellerKeyRules.Issue(seller, Self, new SellerKey("K3", "ak3", "kk3", T0, null, null), T0.AddMinutes(1)));
        Assert.Equal(["K1", "K3"], seller.InboundKeys(T0.AddMinutes(2)).Select(k => k.KeyId));
        Assert.Equal("seller.key-retired", SellerKeyRules.Activate(seller, Self, "K2", T0.AddMinutes(2), Overlap).Error!.Code);
        Assert.Equal("seller.not-found", SellerKeyRules.Issue(seller, new Actor("SL2", Role.Seller), new SellerKey("K4", "a", "b", T0, null, null), T0).Error!.Code);
        Assert.Equal("seller.keys-equal", SellerKeyRules.Issue(seller, Self, new SellerKey("K4", "same", "same", T0, null, null), T0).Error!.Code);
        Assert.Equal("seller.key-not-found", SellerKeyRules.Activate(seller, Self, "K9", T0, Overlap).Error!.Code);
    }
}

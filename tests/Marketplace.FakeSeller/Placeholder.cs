namespace Marketplace.FakeSeller;

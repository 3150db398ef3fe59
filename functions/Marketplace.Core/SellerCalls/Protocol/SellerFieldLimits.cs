namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>Field lengths of the seller protocol (domain.md §15 row 13, §5.3).</summary>
public static class SellerFieldLimits
{
    public const int Id = 64; // orderId, orderLineId, businessId, instanceId, productId
    public const int Scene = 64;
    public const int Status = 32;
    public const int ExpireTime = 20;
    public const int TestFlag = 2;
    public const int ResultCode = 6;
    public const int ResultMsg = 255;
    public const int Url = 512; // frontEndUrl, adminUrl, dashboardUrl
    public const int UserName = 128;
    public const int Password = 128;
    public const int Memo = 1024;
    public const int QueryInstanceBatch = 100;
}

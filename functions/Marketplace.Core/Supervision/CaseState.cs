namespace Marketplace.Core.Supervision;

/// <summary>
/// The states of a supervision case (domain §6.2, §6.2-L2, §6.5). The names are the API's state names.
/// An open appeal does not change the state: it freezes the case in it (<see cref="SupervisionCase.Frozen"/>).
/// </summary>
public enum CaseState
{
    /// <summary>用户提交需求: the buyer submits the requirement. Buyer side.</summary>
    AwaitingRequirement,

    /// <summary>商家确认需求 (orders from 2025-03-26): the seller confirms or returns the requirement. Seller side.</summary>
    AwaitingRequirementConfirmation,

    /// <summary>商家实施服务: the seller implements and delivers (for a package deployment: deploying). Seller side.</summary>
    SellerImplementing,

    /// <summary>华为云复核: the platform reviewer checks the acceptance report. Platform side.</summary>
    PlatformReview,

    /// <summary>用户确认验收: the buyer accepts or rejects (License 2.0, first pass: receives the code). Buyer side.</summary>
    AwaitingUserAcceptance,

    /// <summary>授权码激活 (License 2.0): waiting for the seller to activate the code. Seller side.</summary>
    LicenseActivation,

    /// <summary>商家上传交付证明 (License 2.0): the seller uploads the delivery proof. Seller side.</summary>
    SellerUploadProof,

    /// <summary>已完成. Terminal.</summary>
    Completed,

    /// <summary>关单 / 退订: closed by the operations manager. Terminal.</summary>
    Closed,
}

/// <summary>Who is expected to act in a state; the stall and appeal rules look at it.</summary>
public static class CaseSides
{
    public const string Buyer = "buyer";
    public const string Seller = "seller";
    public const string Platform = "platform";

    /// <summary>Terminal states: nobody acts any more.</summary>
    public const string None = "none";

    public static string Side(this CaseState state) => SupervisionRules.SideOf(state);

    public static bool IsTerminal(this CaseState state) => state is CaseState.Completed or CaseState.Closed;
}

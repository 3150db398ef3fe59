using System.Text.Json;
using Marketplace.Core.Persistence;
using Marketplace.Core.SellerCalls;
using Marketplace.Core.Work;

namespace Marketplace.Core.Licenses;

/// <summary>A License 2.0 order was placed: its code is issued (normally already done by the order route).</summary>
public sealed class IssueLicenseHandler(LicenseCodes licenses) : IOutboxHandler
{
    public string Topic => LicenseCodes.IssueTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        licenses.IssueForOrderAsync(item.Read<IssueLicenseMessage>().OrderId, ct);
}

/// <summary>A License 2.0 case moved (receipt, activation, completion, closure): the code and the order follow it.</summary>
public sealed class LicenseCaseChangedHandler(LicenseCodes licenses) : IOutboxHandler
{
    public string Topic => LicenseCodes.CaseTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        licenses.FollowCaseAsync(item.Read<LicenseCaseMessage>(), ct);
}

/// <summary>A call about a code ended, parked or restarted: the code's queue follows it.</summary>
public sealed class LicenseCallChangedHandler(LicenseCodes licenses) : IOutboxHandler
{
    public string Topic => LicenseCodes.CallTopic;

    public Task HandleAsync(WorkItem item, CancellationToken ct) =>
        licenses.SyncCallAsync(item.Read<SellerCallChangedMessage>(), ct);
}

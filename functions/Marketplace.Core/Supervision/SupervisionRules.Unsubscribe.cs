using Marketplace.Core.Common;

namespace Marketplace.Core.Supervision;

/// <summary>
/// The platform closes the case of a hardware order whose unsubscribe was refunded (§6.6: 退订 ends the order).
/// Only the platform sends it, after the refund; a case that has already ended stays as it is.
/// </summary>
public sealed record CloseForUnsubscribe(Actor Actor, string UnsubscriptionId) : CaseCommand(Actor);

public static partial class SupervisionRules
{
    private static Decision<CaseEvent> DecideCloseForUnsubscribe(SupervisionCase s, CloseForUnsubscribe c, DateTimeOffset now)
    {
        if (c.Actor.Role != Role.System) return CaseErrors.WrongRole(s, c.Actor, "closing the case after an unsubscribe", SystemOnly);
        if (s.IsTerminal) return Decision<CaseEvent>.Accept(); // ended already (or closed by an earlier delivery of this message)
        var reason = $"unsubscribed ({c.UnsubscriptionId}): the buyer was refunded";
        // An open appeal is moot once the order is refunded: it is resolved by the same closure.
        return s.Frozen && s.Appeal is { } appeal
            ? Decision<CaseEvent>.Accept(new AppealResolved(now, appeal.AppealId, AppealOutcome.Close, reason, c.Actor.Id), new CaseClosed(now, reason))
            : Decision<CaseEvent>.Accept(new CaseClosed(now, reason));
    }
}

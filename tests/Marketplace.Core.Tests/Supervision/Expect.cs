using Marketplace.Core.Common;
using Marketplace.Core.Supervision;

namespace Marketplace.Core.Tests.Supervision;

internal static class Expect
{
    public static DomainError Rejected(Decision<CaseEvent> decision, ErrorKind kind, string code)
    {
        Assert.True(decision.IsRejected, "Expected a rejection, got " + string.Join(", ", decision.Events.Select(e => e.Action)));
        Assert.Empty(decision.Events);
        var error = decision.Error!;
        Assert.Equal(code, error.Code);
        Assert.Equal(kind, error.Kind);
        return error;
    }

    /// <summary>409 case.invalid-transition whose detail names the current state.</summary>
    public static DomainError InvalidTransition(Decision<CaseEvent> decision, CaseState state)
    {
        var error = Rejected(decision, ErrorKind.Conflict, CaseErrors.InvalidTransition);
        Assert.Contains($"The case is in {state};", error.Detail, StringComparison.Ordinal);
        Assert.Contains("is not allowed", error.Detail, StringComparison.Ordinal);
        return error;
    }

    public static DomainError Forbidden(Decision<CaseEvent> decision) => Rejected(decision, ErrorKind.Forbidden, CaseErrors.Forbidden);

    public static DomainError Frozen(Decision<CaseEvent> decision, CaseState state)
    {
        var error = Rejected(decision, ErrorKind.Conflict, CaseErrors.FrozenCode);
        Assert.Contains($"The case is in {state}", error.Detail, StringComparison.Ordinal);
        return error;
    }

    public static DomainError Validation(Decision<CaseEvent> decision) => Rejected(decision, ErrorKind.Invalid, CaseErrors.ValidationFailed);

    public static void Actions(IEnumerable<CaseEvent> events, params string[] actions) =>
        Assert.Equal(actions, events.Select(e => e.Action).ToArray());
}

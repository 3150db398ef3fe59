namespace Marketplace.Core.Supervision;

public static partial class SupervisionRules
{
    /// <summary>
    /// Folds one event into the snapshot (null before <see cref="CaseOpened"/>). Events are facts: Apply trusts them
    /// and only throws on an impossible sequence (an event before the case was opened, a second open).
    /// </summary>
    public static SupervisionCase Apply(SupervisionCase? state, CaseEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is CaseOpened o)
        {
            if (state is not null) throw new InvalidOperationException($"The case {state.CaseId} is already open.");
            return new SupervisionCase
            {
                CaseId = o.CaseId,
                OrderId = o.OrderId,
                ProductId = o.ProductId,
                BuyerId = o.BuyerId,
                SellerId = o.SellerId,
                Flow = o.Flow,
                Scenario = o.Scenario,
                OrderPhone = o.OrderPhone,
                OrderedAt = o.OrderedAt,
                OpenedAt = o.At,
                State = o.InitialState,
                // decisions §16 #11: the stall window starts when the case enters its first state.
                StateEnteredAt = o.At,
            };
        }

        var s = state ?? throw new InvalidOperationException($"{e.Action} needs an opened case.");
        return e switch
        {
            RequirementSubmitted x => Enter(s with { Requirement = new Requirement(x.Text, x.AttachmentIds, x.At) }, x.To, x.At),
            RequirementConfirmed x => Enter(s, CaseState.SellerImplementing, x.At),
            // decisions §16 #12: a returned requirement leaves the rejection counter alone.
            RequirementReturned x => Enter(s, CaseState.AwaitingRequirement, x.At),
            EvidenceUploaded x => s with { Evidence = [.. s.Evidence.Where(e => e.EvidenceId != x.Evidence.EvidenceId), x.Evidence] },
            ReportUploaded x => s with
            {
                Reports =
                [
                    .. s.Reports.Where(r => r.ReportId != x.ReplacesReportId && r.ReportId != x.ReportId),
                    new ReportRef(x.ReportId, x.FileName, x.ContentType, x.Size, x.Sha256, x.At),
                ],
            },
            DeliverySubmitted x => Enter(Lock(s, x.ReportIds) with
            {
                Deliveries = [.. s.Deliveries, new DeliveryRecord(DeliveryKind.Delivery, x.At, x.ReportIds, x.ActualStartTime, x.Logistics)],
                // §6.10: the latest start time the seller gave wins.
                ActualStartTime = x.ActualStartTime ?? s.ActualStartTime,
                // A new shipment replaces the old logistics (and its sign-off).
                Logistics = x.Logistics ?? s.Logistics,
            }, x.To, x.At),
            ReviewApproved x => Enter(s, CaseState.AwaitingUserAcceptance, x.At),
            ReviewRejected x => Enter(s, x.To, x.At),
            AcceptanceAccepted x => s with { AcceptedAt = x.At },
            // §6.2 #9 / decisions §16 #12: every buyer rejection counts.
            AcceptanceRejected x => Enter(s with { RejectionCount = s.RejectionCount + 1 }, x.To, x.At),
            LicenseCodeReceived x => Enter(s with { LicenseReceivedAt = x.At }, CaseState.LicenseActivation, x.At),
            // Seed 002: the actual start time of a License 2.0 case is the activation time.
            LicenseActivated x => Enter(s with { LicenseActivatedAt = x.ActivatedAt, ActualStartTime = x.ActivatedAt }, CaseState.SellerUploadProof, x.At),
            ProofUploaded x => ApplyProof(s, x),
            DeploymentCompleted x => Enter(s with
            {
                Deliveries = [.. s.Deliveries, new DeliveryRecord(DeliveryKind.Deployment, x.At, [])],
            }, CaseState.AwaitingUserAcceptance, x.At),
            CourierSignedOff x => s with { Logistics = SignedOff(s.Logistics, x) },
            AcceptanceAutoAccepted x => s with { AcceptedAt = x.At },
            StallWindowElapsed x => s with { StallNotifiedFor = x.EnteredAt },
            AppealOpened x => s with
            {
                Appeal = new Appeal(x.AppealId, x.InitiatorId, x.Initiator, x.AppealReason, x.Demands, x.EvidenceIds, x.At, s.State, x.Rule),
            },
            AppealResolved x => ApplyResolution(s, x),
            // decisions "Completion": the case completes at once; §6.10: without a start time the acceptance time is it.
            CaseCompleted x => Enter(s with { CompletedAt = x.At, ActualStartTime = s.ActualStartTime ?? s.AcceptedAt ?? x.At, OrderSyncSentAt = x.At }, CaseState.Completed, x.At),
            CaseClosed x => Enter(s with { ClosedAt = x.At, OrderSyncSentAt = x.At }, CaseState.Closed, x.At),
            OrderSyncResent x => s with { OrderSyncSentAt = x.At },
            OrderSynced x => s with { OrderSyncedAt = x.At },
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown supervision event."),
        };
    }

    /// <summary>Folds a sequence of events, e.g. a decision's events or a stored event stream.</summary>
    public static SupervisionCase? ApplyAll(SupervisionCase? state, IEnumerable<CaseEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events) state = Apply(state, e);
        return state;
    }

    /// <summary>decisions §16 #11: entering a state (even the same one again) restarts its stall window.</summary>
    private static SupervisionCase Enter(SupervisionCase s, CaseState to, DateTimeOffset at) =>
        s with { State = to, StateEnteredAt = at, StallNotifiedFor = null };

    private static SupervisionCase Lock(SupervisionCase s, IReadOnlyList<string> reportIds) =>
        reportIds.Count == 0
            ? s
            : s with { Reports = [.. s.Reports.Select(r => reportIds.Contains(r.ReportId) ? r with { Locked = true } : r)] };

    private static Logistics SignedOff(Logistics? shipment, CourierSignedOff x) =>
        (shipment ?? throw new InvalidOperationException("A sign-off needs a shipment.")) with { SignedOffAt = x.SignedOffAt, SignerPhone = x.SignerPhone };

    private static SupervisionCase ApplyProof(SupervisionCase s, ProofUploaded x)
    {
        var next = Lock(s, x.ReportIds) with
        {
            Deliveries = [.. s.Deliveries, new DeliveryRecord(DeliveryKind.LicenseProof, x.At, x.ReportIds)],
        };
        return x.To is { } to ? Enter(next, to, x.At) : next;
    }

    private static SupervisionCase ApplyResolution(SupervisionCase s, AppealResolved x)
    {
        var appeal = s.Appeal ?? throw new InvalidOperationException("No appeal to resolve.");
        var next = s with
        {
            Appeal = appeal with { Status = AppealStatus.Resolved, Outcome = x.Outcome, Note = x.Note, ResolvedAt = x.At, ResolvedBy = x.ResolvedBy },
        };
        // Seed 000: "supervision returns to an operable state"; decisions §16 #11: the stall window restarts at the resolution.
        // Complete and close are followed by case.completed / case.closed.
        return x.Outcome == AppealOutcome.Resume ? Enter(next, appeal.FrozenState, x.At) : next;
    }
}

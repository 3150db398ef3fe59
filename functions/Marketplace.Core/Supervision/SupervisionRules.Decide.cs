using Marketplace.Core.Common;

namespace Marketplace.Core.Supervision;

public static partial class SupervisionRules
{
    private static readonly Role[] BuyerOnly = [Role.Buyer];
    private static readonly Role[] SellerOnly = [Role.Seller];
    private static readonly Role[] ReviewerOnly = [Role.Reviewer];
    private static readonly Role[] OpsOnly = [Role.Ops];
    private static readonly Role[] SystemOnly = [Role.System];
    private static readonly Role[] SystemOrSeller = [Role.System, Role.Seller];
    private static readonly Role[] SystemOrOps = [Role.System, Role.Ops];
    private static readonly Role[] Parties = [Role.Buyer, Role.Seller];

    /// <summary>
    /// Decides a command against the current snapshot (null before the case is opened).
    /// Checks run in this order: the actor's role and party (403 <c>auth.forbidden</c>), the freeze
    /// (409 <c>case.frozen</c>), the state (409 <c>case.invalid-transition</c>), then the payload (422).
    /// Ownership beyond the party ids (which case a caller may see) is the use-case layer's job.
    /// </summary>
    public static Decision<CaseEvent> Decide(SupervisionCase? state, CaseCommand command, DateTimeOffset now, SupervisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(options);
        if (command is OpenCase open) return DecideOpen(state, open, now);
        if (state is null) return CaseErrors.NotFound();

        return command switch
        {
            SubmitRequirement c => DecideSubmitRequirement(state, c, now),
            DecideRequirement c => DecideRequirementDecision(state, c, now),
            RecordReportUploaded c => DecideReportUploaded(state, c, now),
            RecordEvidenceUploaded c => DecideEvidenceUploaded(state, c, now),
            SubmitDelivery c => DecideDelivery(state, c, now),
            Review c => DecideReview(state, c, now),
            DecideAcceptance c => DecideAcceptanceDecision(state, c, now),
            CompleteDeployment c => DecideDeployment(state, c, now),
            ActivateLicense c => DecideActivation(state, c, now),
            UploadProof c => DecideProof(state, c, now),
            RecordCourierSignOff c => DecideSignOff(state, c, now),
            OpenAppeal c => DecideOpenAppeal(state, c, now, options),
            ResolveAppeal c => DecideResolveAppeal(state, c, now),
            ConfirmOrderSync c => DecideOrderSync(state, c, now),
            CloseForUnsubscribe c => DecideCloseForUnsubscribe(state, c, now),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown supervision command."),
        };
    }

    // Seed 003: the order follows the ended case; its confirmation stops the resends. Repeats change nothing.
    private static Decision<CaseEvent> DecideOrderSync(SupervisionCase s, ConfirmOrderSync c, DateTimeOffset now)
    {
        if (c.Actor.Role != Role.System) return CaseErrors.WrongRole(s, c.Actor, "confirming the order sync", SystemOnly);
        if (!s.IsTerminal) return CaseErrors.NotAllowed(s, "confirming the order sync", "the case has not ended");
        return s.OrderSyncedAt is null ? Decision<CaseEvent>.Accept(new OrderSynced(now)) : Decision<CaseEvent>.Accept();
    }

    // §6.2 #1, §6.5 #1: the platform opens the case of a paid supervised order.
    private static Decision<CaseEvent> DecideOpen(SupervisionCase? state, OpenCase c, DateTimeOffset now)
    {
        const string doing = "opening a case";
        if (c.Actor.Role != Role.System) return CaseErrors.WrongRole(state, c.Actor, doing, SystemOnly);
        if (state is not null)
        {
            // A repeated open of the same order is a no-op (at-least-once delivery of the order event).
            return state.OrderId == c.OrderId
                ? Decision<CaseEvent>.Accept()
                : DomainError.Conflict(CaseErrors.InvalidTransition,
                    $"The case {state.CaseId} already exists for order {state.OrderId} and is in {state.State}; opening it again is not allowed.");
        }

        foreach (var (value, name) in new[] { (c.CaseId, "the case id"), (c.OrderId, "the order id"), (c.ProductId, "the product id"), (c.BuyerId, "the buyer id"), (c.SellerId, "the seller id") })
        {
            if (string.IsNullOrWhiteSpace(value)) return CaseErrors.Required(null, name);
        }
        if (!Enum.IsDefined(c.Flow)) return CaseErrors.Invalid(null, $"Unknown flow {c.Flow}.");
        if (!Enum.IsDefined(c.Scenario)) return CaseErrors.Invalid(null, $"Unknown scenario {c.Scenario}.");
        // Seed 004: a hardware order carries the recipient's address and phone; the phone drives §6.5 #4.
        if (c.Flow == FlowVariant.Hardware && string.IsNullOrWhiteSpace(c.OrderPhone)) return CaseErrors.Required(null, "the order's recipient phone (hardware)");

        // §6.2 #1 (seed 000, seed 004, P58): manual service, data file and offline SaaS start at the buyer's requirement;
        // app orchestration, offline License, hardware (and License 2.0, package deployment) start at SellerImplementing.
        return Decision<CaseEvent>.Accept(new CaseOpened(now, c.CaseId, c.OrderId, c.ProductId, c.BuyerId, c.SellerId,
            c.Flow, c.Scenario, NullIfBlank(c.OrderPhone), c.OrderedAt, FlowVariants.InitialState(c.Flow)));
    }

    // §6.2 #2 (seed 000, P47): the buyer submits the requirement.
    private static Decision<CaseEvent> DecideSubmitRequirement(SupervisionCase s, SubmitRequirement c, DateTimeOffset now)
    {
        const string doing = "submitting a requirement";
        if (Guard(s, c.Actor, doing, BuyerOnly) is { } denied) return denied;
        if (s.State != CaseState.AwaitingRequirement) return CaseErrors.NotAllowed(s, doing);
        if (string.IsNullOrWhiteSpace(c.Text)) return CaseErrors.Required(s, "the requirement text");

        // P47: orders from 2025-03-26 go to the seller's confirmation; older orders straight to implementation.
        var to = FlowVariants.HasRequirementConfirmation(s.OrderedAt) ? CaseState.AwaitingRequirementConfirmation : CaseState.SellerImplementing;
        return Decision<CaseEvent>.Accept(new RequirementSubmitted(now, c.Text.Trim(), Ids(c.AttachmentIds), to));
    }

    // §6.2 #3 (P47, P59): the seller confirms; §6.2 #4 (P59): "驳回给用户修改" returns it to the buyer.
    private static Decision<CaseEvent> DecideRequirementDecision(SupervisionCase s, DecideRequirement c, DateTimeOffset now)
    {
        const string doing = "deciding on the requirement";
        if (Guard(s, c.Actor, doing, SellerOnly) is { } denied) return denied;
        if (s.State != CaseState.AwaitingRequirementConfirmation) return CaseErrors.NotAllowed(s, doing);

        return c.Decision switch
        {
            RequirementDecision.Confirm => Decision<CaseEvent>.Accept(new RequirementConfirmed(now)),
            // decisions §16 #12: a returned requirement does not count as a rejection (the event does not touch the counter).
            RequirementDecision.Return when string.IsNullOrWhiteSpace(c.Reason) => CaseErrors.Required(s, "a reason for returning the requirement"),
            RequirementDecision.Return => Decision<CaseEvent>.Accept(new RequirementReturned(now, c.Reason!.Trim())),
            _ => CaseErrors.Invalid(s, $"Unknown requirement decision {c.Decision}."),
        };
    }

    // Seed 000 / seed 002: the seller uploads the delivery acceptance report; the timeline keeps its sha256.
    private static Decision<CaseEvent> DecideReportUploaded(SupervisionCase s, RecordReportUploaded c, DateTimeOffset now)
    {
        const string doing = "uploading a report";
        // Seed 000: a frozen case takes no party action, uploads included.
        if (Guard(s, c.Actor, doing, SellerOnly) is { } denied) return denied;
        // Reports are the seller's material: accepted while the case waits for the seller.
        if (SideOf(s.State) != CaseSides.Seller) return CaseErrors.NotAllowed(s, doing, "reports are uploaded while the case is at a seller step");
        if (string.IsNullOrWhiteSpace(c.ReportId)) return CaseErrors.Required(s, "the report id");
        if (string.IsNullOrWhiteSpace(c.FileName)) return CaseErrors.Required(s, "the report's file name");
        if (string.IsNullOrWhiteSpace(c.ContentType)) return CaseErrors.Required(s, "the report's content type");
        if (string.IsNullOrWhiteSpace(c.Sha256)) return CaseErrors.Required(s, "the report's sha256");
        if (c.Size <= 0) return CaseErrors.Invalid(s, "The report is empty.");

        if (s.Reports.FirstOrDefault(r => r.ReportId == c.ReportId) is { } sameId)
        {
            // A retried record of the same upload changes nothing.
            return sameId.FileName == c.FileName && sameId.Sha256 == c.Sha256 && sameId.Size == c.Size && sameId.ContentType == c.ContentType
                ? Decision<CaseEvent>.Accept()
                : DomainError.Conflict(CaseErrors.ReportDuplicateId, $"The report id {c.ReportId} is already used by {sameId.FileName} (the case is in {s.State}).");
        }

        var sameName = s.Reports.FirstOrDefault(r => r.FileName == c.FileName);
        if (sameName is { Locked: true })
        {
            return DomainError.Conflict(CaseErrors.ReportLocked,
                $"The case is in {s.State}; the report {c.FileName} belongs to a delivery and cannot be replaced (upload it under another name).");
        }

        return Decision<CaseEvent>.Accept(new ReportUploaded(now, c.ReportId, c.FileName, c.ContentType, c.Size, c.Sha256, sameName?.ReportId));
    }

    // Seed 001 / seed 003: an appeal carries evidence (attachments); parties upload it before they appeal.
    private static Decision<CaseEvent> DecideEvidenceUploaded(SupervisionCase s, RecordEvidenceUploaded c, DateTimeOffset now)
    {
        const string doing = "uploading appeal evidence";
        if (Guard(s, c.Actor, doing, Parties) is { } denied) return denied;
        if (s.IsTerminal) return CaseErrors.NotAllowed(s, doing);
        if (string.IsNullOrWhiteSpace(c.EvidenceId) || string.IsNullOrWhiteSpace(c.FileName) || string.IsNullOrWhiteSpace(c.Sha256))
            return CaseErrors.Required(s, "the evidence id, file name and sha256");
        if (c.Size <= 0) return CaseErrors.Invalid(s, "The evidence file is empty.");
        if (s.Evidence.FirstOrDefault(e => e.EvidenceId == c.EvidenceId) is { } same)
            return same.Sha256 == c.Sha256 ? Decision<CaseEvent>.Accept() : DomainError.Conflict("evidence.duplicate-id", $"Evidence {c.EvidenceId} exists with other content.");
        return Decision<CaseEvent>.Accept(new EvidenceUploaded(now, new EvidenceRef(c.EvidenceId, c.FileName, c.ContentType, c.Size, c.Sha256, c.Actor.Id, c.Actor.Role, now)));
    }

    // §6.2 #5 (seed 000, seed 002, seed 001, P47, P48), §6.5 #2 (seed 004), §6.2-L2 #1 (P44): the seller delivers.
    private static Decision<CaseEvent> DecideDelivery(SupervisionCase s, SubmitDelivery c, DateTimeOffset now)
    {
        const string doing = "submitting a delivery";
        if (Guard(s, c.Actor, doing, SellerOnly) is { } denied) return denied;
        if (s.State != CaseState.SellerImplementing) return CaseErrors.NotAllowed(s, doing);
        // §6.2-D: a package deployment completes by the deployment, not by a delivery.
        if (s.Flow == FlowVariant.LicensePackage) return CaseErrors.NotAllowed(s, doing, "the LicensePackage flow completes the deployment instead");

        var reportIds = Ids(c.ReportIds);
        Logistics? logistics = null;
        if (s.Flow == FlowVariant.Hardware)
        {
            // Seed 004: after mailing, the seller must enter the logistics information at 服务商实施服务.
            if (c.Logistics is null || string.IsNullOrWhiteSpace(c.Logistics.Carrier) || string.IsNullOrWhiteSpace(c.Logistics.TrackingNo))
            {
                return DomainError.Invalid(CaseErrors.DeliveryLogisticsRequired,
                    $"The case is in {s.State}; a hardware delivery needs the logistics (carrier and tracking number).");
            }
            logistics = new Logistics(c.Logistics.Carrier.Trim(), c.Logistics.TrackingNo.Trim(), NullIfBlank(c.Logistics.RecipientPhone));
        }
        else if (s.Flow != FlowVariant.License2 && reportIds.Count == 0)
        {
            // Seed 000 / seed 002: the seller must upload the delivery acceptance report to prove the delivery.
            // (§6.2-L2 #1: for License 2.0 the platform issues the code; the proof comes at §6.2-L2 #4.)
            return DomainError.Invalid(CaseErrors.DeliveryReportRequired,
                $"The case is in {s.State}; a delivery needs at least one uploaded acceptance report.");
        }
        if (UnknownReport(s, reportIds) is { } unknown) return unknown;

        // §6.10 (P48): the seller may fill in the actual service start time; License 2.0 takes the activation time instead.
        var start = s.Flow == FlowVariant.License2 ? null : c.ActualStartTime;
        if (start is { } given && (given > now || given < s.OrderedAt))
            return CaseErrors.Invalid(s, "The actual start time must lie between the order time and now.");

        // §6.2 #5 (seed 001, seed 004, P47): enablement and base cloud go to the platform review first.
        var to = s.Scenario.NeedsPlatformReview() && FlowVariants.ReviewsDelivery(s.Flow) ? CaseState.PlatformReview : CaseState.AwaitingUserAcceptance;
        return Decision<CaseEvent>.Accept(new DeliverySubmitted(now, reportIds, start, logistics, to));
    }

    // §6.2 #6 (seed 001): approve → the buyer's acceptance; §6.2 #7 / decisions §16 #13: reject → back to the seller with the reason.
    private static Decision<CaseEvent> DecideReview(SupervisionCase s, Review c, DateTimeOffset now)
    {
        const string doing = "reviewing the delivery";
        if (Guard(s, c.Actor, doing, ReviewerOnly) is { } denied) return denied;
        if (s.State != CaseState.PlatformReview) return CaseErrors.NotAllowed(s, doing);

        return c.Decision switch
        {
            ReviewDecision.Approve => Decision<CaseEvent>.Accept(new ReviewApproved(now, NullIfBlank(c.Reason))),
            ReviewDecision.Reject when string.IsNullOrWhiteSpace(c.Reason) => CaseErrors.Required(s, "a reason for rejecting the review"),
            ReviewDecision.Reject => Decision<CaseEvent>.Accept(new ReviewRejected(now, c.Reason!.Trim(), SellerStepToRedo(s))),
            _ => CaseErrors.Invalid(s, $"Unknown review decision {c.Decision}."),
        };
    }

    // §6.2 #8 (seed 000, seed 003) accept → Completed at once (decisions "Completion"); §6.2 #9 (seed 000) reject → seller, counted;
    // §6.2-L2 #2 (P44): the first "confirm" of a License 2.0 case receives the code; §6.5 #3/#5 the same for hardware.
    private static Decision<CaseEvent> DecideAcceptanceDecision(SupervisionCase s, DecideAcceptance c, DateTimeOffset now)
    {
        const string doing = "deciding on acceptance";
        if (Guard(s, c.Actor, doing, BuyerOnly) is { } denied) return denied;
        if (s.State != CaseState.AwaitingUserAcceptance) return CaseErrors.NotAllowed(s, doing);

        switch (c.Decision)
        {
            case AcceptanceDecision.Accept when s.Flow == FlowVariant.License2 && s.LicenseActivatedAt is null:
                return Decision<CaseEvent>.Accept(new LicenseCodeReceived(now));
            case AcceptanceDecision.Accept:
                return Decision<CaseEvent>.Accept(new AcceptanceAccepted(now), new CaseCompleted(now));
            case AcceptanceDecision.Reject when string.IsNullOrWhiteSpace(c.Reason):
                return CaseErrors.Required(s, "a reason for the rejection");
            case AcceptanceDecision.Reject:
                // decisions §16 #12: every buyer rejection of a delivery counts, per case.
                return Decision<CaseEvent>.Accept(new AcceptanceRejected(now, c.Reason!.Trim(), SellerStepToRedo(s)));
            default:
                return CaseErrors.Invalid(s, $"Unknown acceptance decision {c.Decision}.");
        }
    }

    // §6.2-D (seed 001): once the package deployment is complete the buyer accepts.
    private static Decision<CaseEvent> DecideDeployment(SupervisionCase s, CompleteDeployment c, DateTimeOffset now)
    {
        const string doing = "completing the deployment";
        if (Guard(s, c.Actor, doing, SystemOrSeller) is { } denied) return denied;
        if (s.State != CaseState.SellerImplementing) return CaseErrors.NotAllowed(s, doing);
        if (s.Flow != FlowVariant.LicensePackage) return CaseErrors.NotAllowed(s, doing, $"the {s.Flow} flow has no deployment step");
        return Decision<CaseEvent>.Accept(new DeploymentCompleted(now));
    }

    // §6.2-L2 #3 (seed 002): the system sees the code activated; the actual start time is the activation time.
    private static Decision<CaseEvent> DecideActivation(SupervisionCase s, ActivateLicense c, DateTimeOffset now)
    {
        const string doing = "activating the license";
        // The seller's activation call reaches the case as the platform; ops may record one by hand (a fallback, like the courier sign-off).
        if (Guard(s, c.Actor, doing, [Role.System, Role.Ops]) is { } denied) return denied;
        if (s.State != CaseState.LicenseActivation) return CaseErrors.NotAllowed(s, doing);
        if (c.ActivatedAt > now) return CaseErrors.Invalid(s, "The activation time lies in the future.");
        // P39 (real_effect_time): the software cannot take effect before the customer ordered it.
        if (c.ActivatedAt < s.OrderedAt) return CaseErrors.Invalid(s, "The activation time lies before the order.");
        return Decision<CaseEvent>.Accept(new LicenseActivated(now, c.ActivatedAt));
    }

    // §6.2-L2 #4 (seed 002, seed 001, P50): the proof completes the case automatically, or goes to the review.
    private static Decision<CaseEvent> DecideProof(SupervisionCase s, UploadProof c, DateTimeOffset now)
    {
        const string doing = "uploading the delivery proof";
        if (Guard(s, c.Actor, doing, SellerOnly) is { } denied) return denied;
        if (s.State != CaseState.SellerUploadProof) return CaseErrors.NotAllowed(s, doing);
        var reportIds = Ids(c.ReportIds);
        if (reportIds.Count == 0)
        {
            return DomainError.Invalid(CaseErrors.DeliveryReportRequired,
                $"The case is in {s.State}; the delivery proof needs at least one uploaded report.");
        }
        if (UnknownReport(s, reportIds) is { } unknown) return unknown;

        if (s.Scenario.NeedsPlatformReview())
            return Decision<CaseEvent>.Accept(new ProofUploaded(now, reportIds, CaseState.PlatformReview));

        // Seed 002: "non-赋能云 orders: the system automatically confirms acceptance and supervision ends".
        return Decision<CaseEvent>.Accept(
            new ProofUploaded(now, reportIds, null),
            new AcceptanceAutoAccepted(now, AcceptanceAutoAccepted.LicenseProof),
            new CaseCompleted(now));
    }

    // §6.5 #4 (P44): courier tracking reports the sign-off; it only records a fact, so it is taken while frozen too.
    private static Decision<CaseEvent> DecideSignOff(SupervisionCase s, RecordCourierSignOff c, DateTimeOffset now)
    {
        const string doing = "recording the courier sign-off";
        if (Guard(s, c.Actor, doing, SystemOrOps, blockedWhenFrozen: false) is { } denied) return denied;
        if (s.State != CaseState.AwaitingUserAcceptance) return CaseErrors.NotAllowed(s, doing);
        if (s.Flow != FlowVariant.Hardware || s.Logistics is null) return CaseErrors.NotAllowed(s, doing, $"the {s.Flow} flow ships nothing");
        if (c.SignedAt > now) return CaseErrors.Invalid(s, "The sign-off time lies in the future.");
        var shippedAt = s.Deliveries.LastOrDefault()?.DeliveredAt;
        if (shippedAt is { } shipped && c.SignedAt < shipped) return CaseErrors.Invalid(s, "The sign-off time lies before the shipment was entered.");

        var phone = NullIfBlank(c.SignerPhone);
        if (s.Logistics.SignedOffAt == c.SignedAt && s.Logistics.SignerPhone == phone) return Decision<CaseEvent>.Accept();
        return Decision<CaseEvent>.Accept(new CourierSignedOff(now, c.SignedAt, phone));
    }

    // §6.2 #10, §13 (seed 000, seed 003, seed 004), decisions §16 #10: open an appeal; the whole case freezes.
    private static Decision<CaseEvent> DecideOpenAppeal(SupervisionCase s, OpenAppeal c, DateTimeOffset now, SupervisionOptions options)
    {
        const string doing = "opening an appeal";
        if (Guard(s, c.Actor, doing, Parties, blockedWhenFrozen: false) is { } denied) return denied;
        if (s.IsTerminal) return CaseErrors.NotAllowed(s, doing);
        // One open appeal at a time (seed 000: the case is frozen until the operations manager finishes).
        if (s.Frozen)
        {
            return DomainError.Conflict(CaseErrors.AppealAlreadyOpen,
                $"The case is in {s.State} and appeal {s.Appeal!.AppealId} is already open; wait for the operations manager.");
        }

        var eligibility = Eligibility(s, now, options);
        var party = c.Actor.Role == Role.Buyer ? eligibility.Buyer : eligibility.Seller;
        if (!party.Eligible)
        {
            return DomainError.Conflict(CaseErrors.AppealNotEligible,
                $"The case is in {s.State}; the {c.Actor.Role.ToClaim()} may not appeal now (rule {party.Rule}): {party.Explanation}");
        }
        if (string.IsNullOrWhiteSpace(c.AppealId)) return CaseErrors.Required(s, "the appeal id");
        // Seed 000 / seed 003: an appeal needs its reason (申诉原因).
        if (string.IsNullOrWhiteSpace(c.Reason)) return CaseErrors.Required(s, "the appeal reason");
        if (c.Reason.Length > 2000 || c.Demands?.Length > 2000) return CaseErrors.Invalid(s, "The reason and the demands are at most 2000 characters each.");
        // Evidence must be the party's own upload to this case.
        if (Ids(c.EvidenceIds).FirstOrDefault(id => !s.Evidence.Any(e => e.EvidenceId == id && e.UploadedBy == c.Actor.Id)) is { } unknown)
            return DomainError.Invalid("appeal.unknown-evidence", $"Evidence {unknown} was not uploaded to this case by you.");

        return Decision<CaseEvent>.Accept(new AppealOpened(now, c.AppealId, c.Actor.Id, c.Actor.Role, c.Reason.Trim(),
            NullIfBlank(c.Demands), Ids(c.EvidenceIds), party.Rule));
    }

    // §6.2 #11 (seed 000, seed 001): the operations manager resolves: resume, complete (close by hand and settle) or close.
    private static Decision<CaseEvent> DecideResolveAppeal(SupervisionCase s, ResolveAppeal c, DateTimeOffset now)
    {
        const string doing = "resolving an appeal";
        if (Guard(s, c.Actor, doing, OpsOnly, blockedWhenFrozen: false) is { } denied) return denied;
        if (!s.Frozen || s.Appeal is null)
            return DomainError.Conflict(CaseErrors.AppealNotOpen, $"The case is in {s.State} and has no open appeal; {doing} is not allowed.");
        if (s.Appeal.AppealId != c.AppealId)
        {
            return DomainError.Conflict(CaseErrors.AppealNotOpen,
                $"The case is in {s.State}; its open appeal is {s.Appeal.AppealId}, not {c.AppealId}.");
        }
        if (string.IsNullOrWhiteSpace(c.Note)) return CaseErrors.Required(s, "the resolution note");

        var resolved = new AppealResolved(now, c.AppealId, c.Outcome, c.Note.Trim(), c.Actor.Id);
        return c.Outcome switch
        {
            AppealOutcome.Resume => Decision<CaseEvent>.Accept(resolved),
            AppealOutcome.Complete => Decision<CaseEvent>.Accept(resolved, new CaseCompleted(now)),
            AppealOutcome.Close => Decision<CaseEvent>.Accept(resolved, new CaseClosed(now, c.Note.Trim())),
            _ => CaseErrors.Invalid(s, $"Unknown appeal outcome {c.Outcome}."),
        };
    }

    /// <summary>Role, party and freeze checks shared by every command on an open case.</summary>
    private static DomainError? Guard(SupervisionCase s, Actor actor, string doing, Role[] roles, bool blockedWhenFrozen = true)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!roles.Contains(actor.Role)) return CaseErrors.WrongRole(s, actor, doing, roles);
        // Party actions: the actor must be this case's buyer or seller; ops, reviewer and system ids are free.
        if (actor.Role == Role.Buyer && actor.Id != s.BuyerId) return CaseErrors.NotTheParty(s, actor, doing);
        if (actor.Role == Role.Seller && actor.Id != s.SellerId) return CaseErrors.NotTheParty(s, actor, doing);
        // Seed 000: "neither party can operate any more" while an appeal is open.
        if (blockedWhenFrozen && s.Frozen) return CaseErrors.Frozen(s, doing);
        return null;
    }

    /// <summary>
    /// Where a rejection (review or buyer) sends the case: decisions §16 #13 and §6.2 #9 say SellerImplementing;
    /// for a License 2.0 case after the activation the thing under review is the proof, so it goes back to
    /// SellerUploadProof (the code cannot be delivered and activated twice).
    /// </summary>
    private static CaseState SellerStepToRedo(SupervisionCase s) =>
        s.Flow == FlowVariant.License2 && s.LicenseActivatedAt is not null ? CaseState.SellerUploadProof : CaseState.SellerImplementing;

    private static DomainError? UnknownReport(SupervisionCase s, IReadOnlyList<string> reportIds)
    {
        var unknown = reportIds.Where(id => s.Reports.All(r => r.ReportId != id)).ToList();
        return unknown.Count == 0
            ? null
            : DomainError.Invalid(CaseErrors.DeliveryUnknownReport,
                $"The case is in {s.State}; no report {string.Join(", ", unknown)} was uploaded to this case.");
    }

    private static IReadOnlyList<string> Ids(IReadOnlyList<string>? ids) =>
        ids is null ? [] : ids.Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id.Trim()).Distinct(StringComparer.Ordinal).ToList();

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

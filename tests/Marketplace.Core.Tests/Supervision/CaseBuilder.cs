using Marketplace.Core.Common;
using Marketplace.Core.Supervision;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>Drives one supervision case through commands with a controlled clock; every accepted step is applied.</summary>
internal sealed class CaseBuilder
{
    /// <summary>An order placed after 2025-03-26, so the requirement confirmation step exists.</summary>
    public static readonly DateTimeOffset OrderedAt = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);

    public const string OrderPhone = "13800000000";

    public static readonly Actor Buyer = new("buyer-1", Role.Buyer);
    public static readonly Actor Seller = new("seller-1", Role.Seller);
    public static readonly Actor OtherBuyer = new("buyer-2", Role.Buyer);
    public static readonly Actor OtherSeller = new("seller-2", Role.Seller);
    public static readonly Actor Ops = new("ops-9", Role.Ops);
    public static readonly Actor Reviewer = new("reviewer-7", Role.Reviewer);
    public static readonly Actor Platform = Actor.Platform;

    private int _reports;

    private CaseBuilder(SupervisionOptions options, DateTimeOffset now)
    {
        Options = options;
        Now = now;
    }

    public SupervisionOptions Options { get; }
    public DateTimeOffset Now { get; private set; }
    public SupervisionCase State { get; private set; } = null!;
    public List<CaseEvent> History { get; } = [];
    public IReadOnlyList<CaseEvent> LastEvents { get; private set; } = [];

    public static OpenCase OpenCommand(FlowVariant flow, Scenario scenario = Scenario.Standard, DateTimeOffset? orderedAt = null, string? orderPhone = OrderPhone) =>
        new(Platform, "case-1", "order-1", "product-1", Buyer.Id, Seller.Id, flow, scenario, orderPhone, orderedAt ?? OrderedAt);

    public static CaseBuilder Open(
        FlowVariant flow = FlowVariant.Standard,
        Scenario scenario = Scenario.Standard,
        DateTimeOffset? orderedAt = null,
        string? orderPhone = OrderPhone,
        SupervisionOptions? options = null)
    {
        var ordered = orderedAt ?? OrderedAt;
        var builder = new CaseBuilder(options ?? new SupervisionOptions(), ordered.AddMinutes(1));
        var decision = SupervisionRules.Decide(null, OpenCommand(flow, scenario, ordered, orderPhone), builder.Now, builder.Options);
        Assert.False(decision.IsRejected, decision.Error?.Detail);
        builder.ApplyEvents(decision.Events, null);
        return builder;
    }

    public CaseBuilder Wait(TimeSpan time)
    {
        Now += time;
        return this;
    }

    public CaseBuilder WaitDays(double days) => Wait(TimeSpan.FromDays(days));

    public Decision<CaseEvent> Try(CaseCommand command) => SupervisionRules.Decide(State, command, Now, Options);

    public CaseBuilder Do(CaseCommand command)
    {
        var decision = Try(command);
        Assert.False(decision.IsRejected, decision.Error?.Detail);
        ApplyEvents(decision.Events, State);
        return this;
    }

    /// <summary>Runs a tick now and applies what it emits.</summary>
    public IReadOnlyList<CaseEvent> Tick()
    {
        var decision = SupervisionRules.Tick(State, Now, Options);
        Assert.False(decision.IsRejected, decision.Error?.Detail);
        ApplyEvents(decision.Events, State);
        return decision.Events;
    }

    public AppealEligibility Eligibility() => SupervisionRules.Eligibility(State, Now, Options);

    public DateTimeOffset? NextDeadline() => SupervisionRules.NextDeadline(State, Options);

    // ---- shortcuts, each one accepted step ----

    public CaseBuilder SubmitRequirement(string text = "Migrate three databases to the new cluster") =>
        Do(new SubmitRequirement(Buyer, text, ["sow-1"]));

    public CaseBuilder ConfirmRequirement() => Do(new DecideRequirement(Seller, RequirementDecision.Confirm));

    public CaseBuilder ReturnRequirement(string reason = "Please name the databases") =>
        Do(new DecideRequirement(Seller, RequirementDecision.Return, reason));

    /// <summary>Uploads a new report (or the given file name again) and returns its id.</summary>
    public string Upload(string? fileName = null)
    {
        _reports++;
        var id = $"report-{_reports}";
        Do(new RecordReportUploaded(Seller, id, fileName ?? $"acceptance-{_reports}.pdf", "application/pdf", 1024 + _reports, Sha(_reports)));
        return id;
    }

    public static string Sha(int n) => new((char)('0' + (n % 10)), 64);

    public static Logistics Shipment(string? recipientPhone = OrderPhone) => new("SF Express", "SF1234567890", recipientPhone);

    /// <summary>Delivers: uploads a report first (hardware: enters logistics; License 2.0: nothing needed).</summary>
    public CaseBuilder Deliver(DateTimeOffset? actualStartTime = null, string? recipientPhone = OrderPhone)
    {
        return State.Flow switch
        {
            FlowVariant.Hardware => Do(new SubmitDelivery(Seller, [], actualStartTime, Shipment(recipientPhone))),
            FlowVariant.License2 => Do(new SubmitDelivery(Seller, [], actualStartTime)),
            _ => Do(new SubmitDelivery(Seller, [Upload()], actualStartTime)),
        };
    }

    public CaseBuilder Approve() => Do(new Review(Reviewer, ReviewDecision.Approve));

    public CaseBuilder RejectReview(string reason = "The report is not signed") => Do(new Review(Reviewer, ReviewDecision.Reject, reason));

    public CaseBuilder Accept() => Do(new DecideAcceptance(Buyer, AcceptanceDecision.Accept));

    public CaseBuilder Reject(string reason = "The migration is incomplete") => Do(new DecideAcceptance(Buyer, AcceptanceDecision.Reject, reason));

    public CaseBuilder Activate(DateTimeOffset? at = null) => Do(new ActivateLicense(Platform, at ?? Now));

    public CaseBuilder Proof() => Do(new UploadProof(Seller, [Upload()]));

    public CaseBuilder SignOff(DateTimeOffset? at = null, string? signerPhone = null) =>
        Do(new RecordCourierSignOff(Platform, at ?? Now, signerPhone));

    public CaseBuilder Appeal(Actor who, string appealId = "appeal-1", string reason = "No progress") =>
        Do(new OpenAppeal(who, appealId, reason, "Refund"));

    public CaseBuilder Resolve(AppealOutcome outcome, string appealId = "appeal-1", string note = "Checked with both parties by phone") =>
        Do(new ResolveAppeal(Ops, appealId, outcome, note));

    /// <summary>From the opening state to SellerImplementing by the shortest accepted path.</summary>
    public CaseBuilder ToSellerImplementing()
    {
        if (State.State == CaseState.AwaitingRequirement) SubmitRequirement();
        if (State.State == CaseState.AwaitingRequirementConfirmation) ConfirmRequirement();
        Assert.Equal(CaseState.SellerImplementing, State.State);
        return this;
    }

    /// <summary>Delivers and, where reviewed, approves: the case waits for the buyer's acceptance.</summary>
    public CaseBuilder ToAcceptance()
    {
        ToSellerImplementing().Deliver();
        if (State.State == CaseState.PlatformReview) Approve();
        Assert.Equal(CaseState.AwaitingUserAcceptance, State.State);
        return this;
    }

    /// <summary>Delivers and lets the buyer reject, <paramref name="times"/> times: the case is back at SellerImplementing.</summary>
    public CaseBuilder RejectTimes(int times)
    {
        for (var i = 0; i < times; i++)
        {
            ToAcceptance().Reject();
        }
        return this;
    }

    private void ApplyEvents(IReadOnlyList<CaseEvent> events, SupervisionCase? state)
    {
        foreach (var e in events)
        {
            state = SupervisionRules.Apply(state, e);
        }
        State = state!;
        History.AddRange(events);
        LastEvents = events;
    }
}

using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Files;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Supervision;

/// <summary>
/// The supervision use cases: open a case for a paid order, show it to its parties, run their actions through the
/// rules, store reports and evidence write-once in Blob storage, list cases and appeals. Parties see only their own
/// cases (anything else is "not found"); ops and reviewers see all.
/// </summary>
public sealed class SupervisionCases(
    AggregateRunner runner,
    IAggregateStore store,
    IFileStore files,
    IOptions<SupervisionOptions> options,
    IOptions<CaseFileOptions> fileOptions,
    TimeProvider time)
{
    public const string Kind = "cases";
    public const string OrderEndedTopic = "order.supervision-ended";

    public AggregateDefinition<SupervisionCase, CaseEvent> Definition { get; } = new()
    {
        Kind = Kind,
        Apply = SupervisionRules.Apply,
        StateName = s => s.State.ToString(),
        NextDeadline = s => SupervisionRules.NextDeadline(s, options.Value),
        Tick = (s, now) => SupervisionRules.Tick(s, now, options.Value),
        Outbox = (s, e) => e switch
        {
            // Seed 003: the order follows a completed case (within 3 hours; here as soon as the outbox is relayed).
            CaseCompleted or CaseClosed when s.Flow == FlowVariant.License2 =>
                [(OrderEndedTopic, OrderEnded(s)), (Licenses.LicenseCodes.CaseTopic, new Licenses.LicenseCaseMessage(s.CaseId, s.OrderId))],
            CaseCompleted or CaseClosed or OrderSyncResent => [(OrderEndedTopic, OrderEnded(s))],
            // License 2.0 (§6.2-L2): the license code (and the order's start time) follow the receipt and the activation.
            LicenseCodeReceived or LicenseActivated => [(Licenses.LicenseCodes.CaseTopic, new Licenses.LicenseCaseMessage(s.CaseId, s.OrderId))],
            _ => [],
        },
        Tags = s => new Dictionary<string, string>
        {
            ["buyerId"] = s.BuyerId,
            ["sellerId"] = s.SellerId,
            ["state"] = s.State.ToString(),
            ["appeal"] = s.Frozen ? "open" : "none",
        },
    };

    public static string CaseIdFor(string orderId) => "SC" + orderId;

    private static OrderSupervisionEndedMessage OrderEnded(SupervisionCase s) => s.State == CaseState.Completed
        ? new(s.CaseId, s.OrderId, "completed", s.CompletedAt!.Value, s.ActualStartTime ?? s.AcceptedAt ?? s.CompletedAt)
        : new(s.CaseId, s.OrderId, "closed", s.ClosedAt!.Value, null);

    /// <summary>The order follows the ended case: stop telling it.</summary>
    public async Task ConfirmOrderSyncAsync(string caseId, CancellationToken ct)
    {
        var result = await runner.ExecuteAsync(Definition, caseId, Actor.Platform,
            (state, now) => state is null ? CaseErrors.NotFound() : SupervisionRules.Decide(state, new ConfirmOrderSync(Actor.Platform), now, options.Value), ct);
        DomainException.ThrowIf(result.Error);
    }

    /// <summary>
    /// §6.2-L2 #3 (seed 002), for the seller's activation call: the platform saw the code activated at
    /// <paramref name="activatedAt"/>. The same <see cref="ActivateLicense"/> command as the operations manager's manual
    /// record, as the platform; a case whose code was activated already keeps its first activation (no second
    /// transition). Returns the case after it, or the rules' rejection with the case as it is.
    /// </summary>
    public async Task<(SupervisionCase? Case, DomainError? Error)> RecordLicenseActivationAsync(string caseId, DateTimeOffset activatedAt, CancellationToken ct)
    {
        var result = await runner.ExecuteAsync(Definition, caseId, Actor.Platform, (state, now) =>
            state is null ? CaseErrors.NotFound()
            : state.LicenseActivatedAt is not null ? Decision<CaseEvent>.Accept()
            : SupervisionRules.Decide(state, new ActivateLicense(Actor.Platform, activatedAt), now, options.Value), ct);
        return (result.State, result.Error);
    }

    /// <summary>The case as stored, for other use cases (no visibility check).</summary>
    public async Task<SupervisionCase?> FindAsync(string caseId, CancellationToken ct) => (await runner.LoadAsync(Definition, caseId, ct))?.State;

    /// <summary>Opens the case of a supervised order; opening it again changes nothing.</summary>
    public async Task<string> OpenAsync(Order order, CancellationToken ct)
    {
        var caseId = order.CaseId ?? CaseIdFor(order.OrderId);
        var open = new OpenCase(Actor.Platform, caseId, order.OrderId, order.ProductId, order.BuyerId, order.SellerId,
            order.Flow ?? throw new InvalidOperationException($"Order {order.OrderId} is not supervised."), order.Scenario, order.Shipping?.Phone, order.PlacedAt);
        var result = await runner.ExecuteAsync(Definition, caseId, Actor.Platform,
            (state, now) => state is not null ? Decision<CaseEvent>.Accept() : SupervisionRules.Decide(null, open, now, options.Value), ct);
        DomainException.ThrowIf(result.Error);
        return caseId;
    }

    public async Task<CaseView> GetAsync(string caseId, Actor actor, CancellationToken ct)
    {
        var (state, version) = await LoadVisibleAsync(caseId, actor, ct);
        return await ViewAsync(state, version, ct);
    }

    /// <summary>Runs a party's (or ops') command; a rejection is thrown as a <see cref="DomainException"/>.</summary>
    public async Task<CaseView> ActAsync(string caseId, CaseCommand command, CancellationToken ct)
    {
        // Visibility is checked on the state the rules see: one read, and "not yours" looks like "not there".
        var result = await runner.ExecuteAsync(Definition, caseId, command.Actor,
            (state, now) => state is null || !CanSee(state, command.Actor) ? CaseErrors.NotFound() : SupervisionRules.Decide(state, command, now, options.Value), ct);
        DomainException.ThrowIf(result.Error);
        return await ViewAsync(result.State!, result.Version, ct);
    }

    /// <summary>
    /// Streams an acceptance report into Blob storage (never whole in memory), then records it on the case with its
    /// SHA-256. Every upload is a new write-once blob; a report a delivery referenced cannot be replaced.
    /// </summary>
    public Task<CaseFileStored> UploadReportAsync(string caseId, Actor actor, string fileName, string? contentType, long? length, Stream body, CancellationToken ct) =>
        UploadCaseFileAsync(caseId, actor, "rp", ReportPath, body, length, contentType,
            (id, type, size, sha) => new RecordReportUploaded(actor, id, fileName, type, size, sha), fileName, ct);

    public async Task<(ReportRef Report, FileDownload File)> OpenReportAsync(string caseId, string reportId, Actor actor, CancellationToken ct)
    {
        var (state, _) = await LoadVisibleAsync(caseId, actor, ct);
        var report = state.Reports.FirstOrDefault(r => r.ReportId == reportId)
                     ?? throw new DomainException(DomainError.NotFound("report.not-found", $"Case {caseId} has no report {reportId}."));
        var file = await files.OpenAsync(ReportPath(caseId, reportId), ct)
                   ?? throw new DomainException(DomainError.NotFound("report.not-found", $"The file of report {reportId} is missing."));
        return (report, file);
    }

    public async IAsyncEnumerable<CaseSummary> ListAsync(Actor actor, string? stateFilter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var tags = new Dictionary<string, string>();
        if (actor.Role == Role.Buyer) tags["buyerId"] = actor.Id;
        else if (actor.Role == Role.Seller) tags["sellerId"] = actor.Id;
        if (stateFilter is not null) tags["state"] = stateFilter;
        await foreach (var record in store.QueryAsync(Kind, tags, ct))
        {
            var s = System.Text.Json.JsonSerializer.Deserialize<SupervisionCase>(record.StateJson, Definition.Json)!;
            yield return new CaseSummary(s.CaseId, s.OrderId, s.ProductId, s.BuyerId, s.SellerId, s.State.ToString(), s.Side, s.Frozen, s.RejectionCount, s.StateEnteredAt);
        }
    }

    /// <summary>Open appeals, oldest first (the operations manager's queue).</summary>
    public async Task<IReadOnlyList<AppealSummary>> OpenAppealsAsync(CancellationToken ct)
    {
        var list = new List<AppealSummary>();
        await foreach (var record in store.QueryAsync(Kind, new Dictionary<string, string> { ["appeal"] = "open" }, ct))
        {
            var s = System.Text.Json.JsonSerializer.Deserialize<SupervisionCase>(record.StateJson, Definition.Json)!;
            if (s.Appeal is { Status: AppealStatus.Open } a)
                list.Add(new AppealSummary(a.AppealId, s.CaseId, s.OrderId, a.Initiator.ToClaim(), a.InitiatorId, a.Reason, a.Demands, a.EvidenceIds, a.OpenedAt, a.FrozenState.ToString(), "open"));
        }
        return list.OrderBy(a => a.OpenedAt).ToList();
    }

    /// <summary>Appeal ids name their case: <c>{caseId}.{n}</c>.</summary>
    public static string AppealIdFor(string caseId, int n) => $"{caseId}.{n}";

    public static string? CaseIdOfAppeal(string appealId) =>
        appealId.LastIndexOf('.') is var i and > 0 ? appealId[..i] : null;

    public async Task<string> NextAppealIdAsync(string caseId, Actor actor, CancellationToken ct)
    {
        await LoadVisibleAsync(caseId, actor, ct);
        var count = 0;
        await foreach (var a in store.ReadAuditAsync(Kind, caseId, ct))
            if (a.Action == "appeal.opened") count++;
        return AppealIdFor(caseId, count + 1);
    }

    /// <summary>Appeal evidence: stored under the case, write-once, its SHA-256 on the timeline.</summary>
    public Task<CaseFileStored> UploadEvidenceAsync(string caseId, Actor actor, string fileName, string? contentType, long? length, Stream body, CancellationToken ct) =>
        UploadCaseFileAsync(caseId, actor, "ev", EvidencePath, body, length, contentType,
            (id, type, size, sha) => new RecordEvidenceUploaded(actor, id, fileName, type, size, sha), fileName, ct);

    /// <summary>
    /// Streams a case file into Blob storage (never whole in memory), then records it on the case with its SHA-256.
    /// The rules are checked before the bytes are taken (frozen, wrong party, wrong state, locked) and again when the
    /// file is recorded; a file the case refuses is deleted. Every upload is a new write-once blob.
    /// </summary>
    private async Task<CaseFileStored> UploadCaseFileAsync(
        string caseId, Actor actor, string idPrefix, Func<string, string, string> pathOf, Stream body, long? length, string? contentType,
        Func<string, string, long, string, CaseCommand> record, string fileName, CancellationToken ct)
    {
        var (state, _) = await LoadVisibleAsync(caseId, actor, ct);
        var id = idPrefix + Guid.NewGuid().ToString("N")[..20];
        DomainException.ThrowIf(SupervisionRules.Decide(state, record(id, contentType ?? "", 1, new string('0', 64)), time.GetUtcNow(), options.Value).Error);
        var stored = await StoreFileAsync(pathOf(caseId, id), contentType, length, body, ct);
        await RecordOrDeleteAsync(caseId, record(id, stored.ContentType, stored.Size, stored.Sha256), stored, ct);
        return new CaseFileStored(id, fileName, stored.Sha256, stored.Size, stored.ContentType);
    }

    public async Task<(EvidenceRef Evidence, FileDownload File)> OpenEvidenceAsync(string caseId, string evidenceId, Actor actor, CancellationToken ct)
    {
        var (state, _) = await LoadVisibleAsync(caseId, actor, ct);
        var evidence = state.Evidence.FirstOrDefault(r => r.EvidenceId == evidenceId)
                       ?? throw new DomainException(DomainError.NotFound("evidence.not-found", $"Case {caseId} has no evidence {evidenceId}."));
        var file = await files.OpenAsync(EvidencePath(caseId, evidenceId), ct)
                   ?? throw new DomainException(DomainError.NotFound("evidence.not-found", $"The file of evidence {evidenceId} is missing."));
        return (evidence, file);
    }

    private async Task RecordOrDeleteAsync(string caseId, CaseCommand record, StoredFile stored, CancellationToken ct)
    {
        try
        {
            await ActAsync(caseId, record, ct);
        }
        catch
        {
            await files.DeleteAsync(stored.Path, CancellationToken.None); // the case refused it: keep no orphan
            throw;
        }
    }

    private async Task<StoredFile> StoreFileAsync(string path, string? contentType, long? length, Stream body, CancellationToken ct)
    {
        var limits = fileOptions.Value;
        var type = NormalizeContentType(contentType);
        if (!limits.AllowedContentTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
            DomainException.ThrowIf(new DomainError(ErrorKind.UnsupportedMediaType, "file.unsupported-type",
                $"Content-Type '{contentType}' is not accepted; send one of: {string.Join(", ", limits.AllowedContentTypes)}."));
        if (length > limits.MaxBytes)
            DomainException.ThrowIf(new DomainError(ErrorKind.TooLarge, "file.too-large", $"The file is {length} bytes; the limit is {limits.MaxBytes} bytes."));
        if (length == 0)
            DomainException.ThrowIf(DomainError.Invalid("file.empty", "The file is empty."));
        try
        {
            return await files.PutAsync(path, body, type, limits.MaxBytes, ct);
        }
        catch (FileTooLargeException)
        {
            throw new DomainException(new DomainError(ErrorKind.TooLarge, "file.too-large", $"The file exceeds the limit of {limits.MaxBytes} bytes."));
        }
    }

    /// <summary>
    /// The file name from the URL, percent-decoded, without any path: a name, not a place. Control characters and
    /// invisible formatting characters (bidi overrides such as U+202E, zero-width marks) are refused too: they make a
    /// name display as another one ("report‮fdp.exe" shows as "reportexe.pdf").
    /// </summary>
    public static string ValidateFileName(string? fileName)
    {
        fileName = fileName is null ? null : Uri.UnescapeDataString(fileName);
        if (string.IsNullOrWhiteSpace(fileName) || fileName.Length > 200 || fileName is "." or ".."
            || fileName.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
                                 || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|'))
            DomainException.ThrowIf(DomainError.BadRequest("validation.file-name", "The file name must be 1-200 characters without path separators, control or formatting characters."));
        return fileName!;
    }

    // Every upload has its own id and blob; blobs are write-once, so what a delivery referenced never changes.
    private static string ReportPath(string caseId, string reportId) => $"cases/{caseId}/reports/{reportId}";

    private static string EvidencePath(string caseId, string evidenceId) => $"cases/{caseId}/evidence/{evidenceId}";

    private static string NormalizeContentType(string? contentType) =>
        (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();

    private async Task<(SupervisionCase State, long Version)> LoadVisibleAsync(string caseId, Actor actor, CancellationToken ct)
    {
        var loaded = await runner.LoadAsync(Definition, caseId, ct);
        if (loaded is not { } l || !CanSee(l.State, actor)) throw new DomainException(CaseErrors.NotFound());
        return l;
    }

    private static bool CanSee(SupervisionCase s, Actor actor) => actor.Role switch
    {
        Role.Buyer => s.BuyerId == actor.Id,
        Role.Seller => s.SellerId == actor.Id,
        Role.Ops or Role.Reviewer or Role.System => true,
        _ => false,
    };

    private async Task<CaseView> ViewAsync(SupervisionCase s, long version, CancellationToken ct)
    {
        var audit = new List<AuditEntry>();
        await foreach (var a in store.ReadAuditAsync(Kind, s.CaseId, ct)) audit.Add(a);
        var e = SupervisionRules.Eligibility(s, time.GetUtcNow(), options.Value);
        return new CaseView(s.CaseId, s.OrderId, s.ProductId, s.BuyerId, s.SellerId, s.Flow.ToString(), s.Scenario.ToWire(), s.State.ToString(), s.Side,
            s.RejectionCount, s.Frozen, s.StateEnteredAt, new EligibilityView(PartyEligibilityView.Of(e.Buyer), PartyEligibilityView.Of(e.Seller)),
            s.Appeal, s.Requirement, s.Reports, s.Deliveries, s.Logistics, s.ActualStartTime, s.CompletedAt, version,
            audit.Select(TimelineEntry.Of).ToList(), AuditChain.FindBreak(s.CaseId, audit) is null);
    }
}

/// <summary>Case → order: the supervision ended (completed or closed).</summary>
public sealed record OrderSupervisionEndedMessage(string CaseId, string OrderId, string Outcome, DateTimeOffset At, DateTimeOffset? ValidFrom);

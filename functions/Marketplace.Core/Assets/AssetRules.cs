using Marketplace.Core.Common;

namespace Marketplace.Core.Assets;

/// <summary>
/// The asset as a pure state machine (§6.7):
/// <code>
/// (upload) ─▶ Submitted ──scan starts──▶ Scanning ──no blocking finding──▶ Approved
///                ▲   ▲                      │    └────blocking finding──────▶ Rejected
///                │   └──scan timed out──────┘ (re-queued; after MaxScanRounds: Rejected, scan.incomplete)
///                └──────────── new version (modify), from any status ◀──────────┘
/// any status ──delete (not referenced by a product)──▶ Deleted
/// </code>
/// Scan results carry the version they are for: a result for an older version changes nothing.
/// </summary>
public static class AssetRules
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 1000;
    public const int MaxDataInfoLength = 2000;

    public static Decision<AssetEvent> Decide(Asset? state, AssetCommand command, DateTimeOffset now, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(options);
        if (command is SubmitAsset submit) return DecideSubmit(state, submit, now);
        if (state is null || state.Status == AssetStatus.Deleted) return AssetErrors.NotFound();
        return command switch
        {
            ModifyAsset c => DecideModify(state, c, now),
            StartScan c => System(c.Actor) ?? DecideStart(state, c, now),
            RecordScan c => System(c.Actor) ?? DecideRecord(state, c, now, options),
            ReferenceAsset c => Owner(state, c.Actor) ?? DecideReference(state, c, now),
            UnreferenceAsset c => Owner(state, c.Actor) ?? (state.UsedByProducts.Contains(c.ProductId)
                ? Decision<AssetEvent>.Accept(new AssetUnreferenced(now, c.ProductId))
                : Decision<AssetEvent>.Accept()),
            DeleteAsset c => Owner(state, c.Actor, allowOps: true) ?? DecideDelete(state, c, now),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown asset command."),
        };
    }

    public static Asset Apply(Asset? state, AssetEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is AssetSubmitted s)
        {
            return new Asset
            {
                AssetId = s.AssetId, SellerId = s.SellerId, Type = s.Type, Name = s.Name, Description = s.Description, DataInfo = s.DataInfo,
                CreatedAt = s.At, Status = AssetStatus.Submitted, StatusEnteredAt = s.At, File = s.File, ScanRounds = 1,
            };
        }
        var a = state ?? throw new InvalidOperationException($"{e.Action} needs an asset.");
        return e switch
        {
            AssetModified m => a with
            {
                File = m.File, History = [.. a.History, a.File], Name = m.Name ?? a.Name, Description = m.Description ?? a.Description,
                DataInfo = m.DataInfo ?? a.DataInfo, Status = AssetStatus.Submitted, StatusEnteredAt = m.At, ScanRounds = 1, Scan = null,
            },
            AssetScanStarted x => a with { Status = AssetStatus.Scanning, StatusEnteredAt = x.At },
            AssetScanRequeued x => a with { Status = AssetStatus.Submitted, StatusEnteredAt = x.At, ScanRounds = x.Round },
            AssetScanned x => a with
            {
                Status = x.Result.Approved ? AssetStatus.Approved : AssetStatus.Rejected, StatusEnteredAt = x.At, Scan = x.Result,
                ApprovedVersion = x.Result.Approved ? x.Result.Version : a.ApprovedVersion,
            },
            AssetReferenced x => a with { UsedByProducts = [.. a.UsedByProducts, x.ProductId] },
            AssetUnreferenced x => a with { UsedByProducts = a.UsedByProducts.Where(p => p != x.ProductId).ToList() },
            AssetDeleted x => a with { Status = AssetStatus.Deleted, StatusEnteredAt = x.At, DeletedAt = x.At },
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown asset event."),
        };
    }

    public static Asset? ApplyAll(Asset? state, IEnumerable<AssetEvent> events) => events.Aggregate(state, (s, e) => Apply(s, e));

    /// <summary>While a version waits for or runs its scan: when the scan timeout ends. Null otherwise.</summary>
    public static DateTimeOffset? NextDeadline(Asset state, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        return state.Status is AssetStatus.Submitted or AssetStatus.Scanning ? state.StatusEnteredAt + options.ScanTimeout : null;
    }

    /// <summary>
    /// A scan that did not finish within the timeout (a lost message, a crashed worker) is queued again; after
    /// <see cref="AssetOptions.MaxScanRounds"/> rounds the asset is rejected as not scannable. Idempotent.
    /// </summary>
    public static Decision<AssetEvent> Tick(Asset state, DateTimeOffset now, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (NextDeadline(state, options) is not { } due || now < due) return Decision<AssetEvent>.Accept();
        var round = state.ScanRounds;
        if (round >= options.MaxScanRounds)
        {
            var finding = new ScanFinding(ScanRules.Incomplete, $"The security scan of version {state.File.Version} did not finish after {round} attempts; upload the package again.");
            return Decision<AssetEvent>.Accept(new AssetScanned(now, new ScanResult(state.File.Version, false, [finding], [], now)));
        }
        return Decision<AssetEvent>.Accept(new AssetScanRequeued(now, state.File.Version, round + 1));
    }

    /// <summary>
    /// The verdict: rejected when any finding blocks, or reports a vulnerability at or above the CVSS threshold
    /// (P42: no virus, Trojan or malicious code; no vulnerability with CVSS ≥ 7.0).
    /// </summary>
    public static bool Passes(IEnumerable<ScanFinding> findings, double rejectCvss) =>
        !findings.Any(f => f.Blocking || f.Cvss >= rejectCvss);

    private static Decision<AssetEvent> DecideSubmit(Asset? state, SubmitAsset c, DateTimeOffset now)
    {
        if (c.Actor.Role != Role.Seller) return DomainError.Forbidden($"Adding an asset is for a seller; the caller acts as {c.Actor.Role.ToClaim()}.");
        if (state is not null) return DomainError.Conflict(AssetErrors.InvalidTransition, $"Asset {c.AssetId} exists already.");
        if (TextProblem(c.Name, c.Description, c.DataInfo) is { } problem) return problem;
        if (c.File.Version != 1) return AssetErrors.Invalid("A new asset starts at version 1.");
        return Decision<AssetEvent>.Accept(new AssetSubmitted(now, c.AssetId, c.Actor.Id, c.Type, c.Name.Trim(), Clean(c.Description), Clean(c.DataInfo), c.File));
    }

    // S004.02: 修改资产 — a new version starts its own scan; the last approved version stays usable meanwhile.
    private static Decision<AssetEvent> DecideModify(Asset a, ModifyAsset c, DateTimeOffset now)
    {
        if (Owner(a, c.Actor) is { } denied) return denied;
        if (c.Name is not null || c.Description is not null || c.DataInfo is not null)
        {
            if (TextProblem(c.Name ?? a.Name, c.Description, c.DataInfo) is { } problem) return problem;
        }
        if (c.File.Version != a.File.Version + 1) return DomainError.Conflict(AssetErrors.InvalidTransition, $"Asset {a.AssetId} is at version {a.File.Version}; version {c.File.Version} is not the next one.");
        return Decision<AssetEvent>.Accept(new AssetModified(now, c.File, c.Name?.Trim(), Clean(c.Description), Clean(c.DataInfo)));
    }

    private static Decision<AssetEvent> DecideStart(Asset a, StartScan c, DateTimeOffset now) =>
        a.Status == AssetStatus.Submitted && a.File.Version == c.Version
            ? Decision<AssetEvent>.Accept(new AssetScanStarted(now, c.Version))
            : Decision<AssetEvent>.Accept(); // stale, repeated, or already scanning

    private static Decision<AssetEvent> DecideRecord(Asset a, RecordScan c, DateTimeOffset now, AssetOptions options)
    {
        if (a.Status != AssetStatus.Scanning || a.File.Version != c.Version) return Decision<AssetEvent>.Accept(); // a result for an older version
        return Decision<AssetEvent>.Accept(new AssetScanned(now, new ScanResult(c.Version, Passes(c.Findings, options.RejectCvss), c.Findings, c.Scanners, now)));
    }

    // S000.11 / S000.20: only an asset that passed the scan can be used to publish a product.
    private static Decision<AssetEvent> DecideReference(Asset a, ReferenceAsset c, DateTimeOffset now)
    {
        if (a.UsedByProducts.Contains(c.ProductId)) return Decision<AssetEvent>.Accept();
        if (a.Status != AssetStatus.Approved)
        {
            return DomainError.Conflict(AssetErrors.NotApproved,
                $"Asset {a.AssetId} is {a.Status}; a product may reference only an approved asset (one that passed the security scan).");
        }
        return Decision<AssetEvent>.Accept(new AssetReferenced(now, c.ProductId));
    }

    private static Decision<AssetEvent> DecideDelete(Asset a, DeleteAsset c, DateTimeOffset now)
    {
        if (a.UsedByProducts.Count > 0)
        {
            return DomainError.Conflict(AssetErrors.InUse,
                $"Asset {a.AssetId} is referenced by product(s) {string.Join(", ", a.UsedByProducts)}; remove it from them before deleting it.");
        }
        return Decision<AssetEvent>.Accept(new AssetDeleted(now, c.Paths));
    }

    private static DomainError? System(Actor actor) =>
        actor.Role == Role.System ? null : DomainError.Forbidden($"Only the platform scans assets; the caller acts as {actor.Role.ToClaim()}.");

    // Parties see only their own assets: another seller's asset is "not found".
    private static DomainError? Owner(Asset a, Actor actor, bool allowOps = false) => actor.Role switch
    {
        Role.Seller when actor.Id == a.SellerId => null,
        Role.Seller => AssetErrors.NotFound(a.AssetId),
        Role.Ops when allowOps => null,
        _ => DomainError.Forbidden($"This is for the asset's seller; the caller acts as {actor.Role.ToClaim()}."),
    };

    private static DomainError? TextProblem(string? name, string? description, string? dataInfo)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength) return AssetErrors.Invalid($"name is required (at most {MaxNameLength} characters).");
        if (description is { Length: > MaxDescriptionLength }) return AssetErrors.Invalid($"description is at most {MaxDescriptionLength} characters.");
        if (dataInfo is { Length: > MaxDataInfoLength }) return AssetErrors.Invalid($"dataInfo is at most {MaxDataInfoLength} characters.");
        return null;
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

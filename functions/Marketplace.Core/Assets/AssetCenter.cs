using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Marketplace.Core.Files;
using Marketplace.Core.Persistence;
using Marketplace.Core.Supervision;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Assets;

/// <summary>
/// The asset center use cases (§6.7, §9): a seller uploads an asset (streamed into Blob storage, write-once; a data
/// file is checked at once, seed 002), the scan runs off the request path (outbox → work queue → scanners), the
/// seller modifies (a new version) or deletes it, downloads it, and lets products reference approved assets.
/// Sellers see only their own assets (anything else is "not found"); ops and reviewers see all.
/// </summary>
public sealed class AssetCenter(
    AggregateRunner runner,
    IAggregateStore store,
    IFileStore files,
    CatalogueService catalogue,
    IEnumerable<IAssetScanner> scanners,
    IOptions<AssetOptions> options,
    TimeProvider time,
    ILogger<AssetCenter> logger)
{
    public const string Kind = "assets";
    public const string ScanTopic = "assets.scan";
    public const string PurgeTopic = "assets.purge";
    public const int MaxAssetsPerRequest = 50;

    public AggregateDefinition<Asset, AssetEvent> Definition { get; } = new()
    {
        Kind = Kind,
        Apply = AssetRules.Apply,
        StateName = a => a.Status.ToString(),
        NextDeadline = a => AssetRules.NextDeadline(a, options.Value),
        Tick = (a, now) => AssetRules.Tick(a, now, options.Value),
        Outbox = (a, e) => e switch
        {
            // The upload answers at once; the scan is work for the queue.
            AssetSubmitted or AssetModified or AssetScanRequeued => [(ScanTopic, new AssetScanMessage(a.AssetId, a.File.Version))],
            AssetDeleted d => [(PurgeTopic, new AssetPurgeMessage(a.AssetId, d.Paths))],
            _ => [],
        },
        Tags = a => new Dictionary<string, string> { ["sellerId"] = a.SellerId, ["status"] = a.Status.ToString() },
    };

    public static string PathOf(string assetId, string fileId) => $"assets/{assetId}/{fileId}";

    /// <summary>
    /// §6.7 新增资产: checks the name and format, streams the file into Blob storage (a data file through a scratch file
    /// first, where its rules run: the 10M limit while streaming, then the workbook), then records the asset as
    /// Submitted; its scan is queued in the same transaction.
    /// </summary>
    public async Task<AssetView> UploadAsync(Actor seller, string fileName, string? type, string? name, string? description, string? dataInfo,
        long? length, Stream body, CancellationToken ct)
    {
        await catalogue.GetSellerAsync(seller.Id, ct); // a seller's token names a registered seller
        var assetType = AssetFormats.ParseType(type) ?? throw new DomainException(AssetErrors.Invalid("type must be softwarePackage or dataFile."));
        name = string.IsNullOrWhiteSpace(name) ? fileName : name;
        var assetId = "AS" + CatalogueService.NewId(12);
        var file = await StoreAsync(assetId, assetType, fileName, 1, length, body, ct);
        var result = await runner.ExecuteAsync(Definition, assetId, seller,
            (state, now) => AssetRules.Decide(state, new SubmitAsset(seller, assetId, assetType, name, description, dataInfo, file), now, options.Value), ct);
        await ThrowAndForgetAsync(result.Error, file, assetId);
        return await GetAsync(assetId, seller, ct);
    }

    /// <summary>S004.02 修改资产: a new version of the file, checked and scanned like the first.</summary>
    public async Task<AssetView> ModifyAsync(Actor seller, string assetId, string fileName, string? name, string? description, string? dataInfo,
        long? length, Stream body, CancellationToken ct)
    {
        var (asset, _) = await LoadVisibleAsync(assetId, seller, ct);
        if (seller.Role != Role.Seller) DomainException.ThrowIf(DomainError.Forbidden("Modifying an asset is for its seller."));
        var file = await StoreAsync(assetId, asset.Type, fileName, asset.File.Version + 1, length, body, ct);
        var result = await runner.ExecuteAsync(Definition, assetId, seller,
            (state, now) => AssetRules.Decide(state, new ModifyAsset(seller, file, name, description, dataInfo), now, options.Value), ct);
        await ThrowAndForgetAsync(result.Error, file, assetId);
        return await GetAsync(assetId, seller, ct);
    }

    public async Task<AssetView> GetAsync(string assetId, Actor actor, CancellationToken ct)
    {
        var (asset, record) = await LoadVisibleAsync(assetId, actor, ct);
        var audit = new List<AuditEntry>();
        await foreach (var a in store.ReadAuditAsync(Kind, assetId, ct))
            if (a.Sequence <= record.AuditCount) audit.Add(a);
        var errors = asset.Scan is { Approved: false } scan ? string.Join(AssetFormats.Separator, scan.Findings.Select(f => f.Message)) : null;
        return new AssetView(asset.AssetId, asset.SellerId, asset.Type.ToWire(), asset.Name, asset.Description, asset.DataInfo, asset.Status.ToString(),
            asset.StatusEnteredAt, asset.CreatedAt, AssetFileView.Of(asset.File), asset.ApprovedVersion, asset.Scan, errors, asset.UsedByProducts,
            asset.History.Select(AssetFileView.Of).ToList(), record.Version, audit.Select(TimelineEntry.Of).ToList(), AuditChain.FindBreak(assetId, audit) is null);
    }

    public async IAsyncEnumerable<AssetSummary> ListAsync(Actor actor, string? status, [EnumeratorCancellation] CancellationToken ct)
    {
        var tags = new Dictionary<string, string>();
        if (actor.Role == Role.Seller) tags["sellerId"] = actor.Id;
        if (status is not null) tags["status"] = status;
        await foreach (var record in store.QueryAsync(Kind, tags, ct))
        {
            var a = Read(record);
            if (a.Status == AssetStatus.Deleted && (status is null || actor.Role == Role.Seller)) continue;
            yield return AssetSummary.Of(a);
        }
    }

    /// <summary>S004.02 删除资产: refused while a product references it; its files are removed after the commit.</summary>
    public async Task DeleteAsync(string assetId, Actor actor, CancellationToken ct)
    {
        var (asset, _) = await LoadVisibleAsync(assetId, actor, ct);
        var paths = asset.AllFiles.Select(f => PathOf(assetId, f.FileId)).ToList();
        var result = await runner.ExecuteAsync(Definition, assetId, actor, (state, now) =>
        {
            if (state is null || !CanSee(state, actor)) return AssetErrors.NotFound(assetId);
            // Files uploaded since the paths were listed are included: the state decides.
            return AssetRules.Decide(state, new DeleteAsset(actor, state.AllFiles.Select(f => PathOf(assetId, f.FileId)).Union(paths).ToList()), now, options.Value);
        }, ct);
        DomainException.ThrowIf(result.Error);
    }

    /// <summary>The asset's current file (or an earlier version), streamed from Blob storage.</summary>
    public async Task<(AssetFile File, FileDownload Download)> OpenFileAsync(string assetId, int? version, Actor actor, CancellationToken ct)
    {
        var (asset, _) = await LoadVisibleAsync(assetId, actor, ct);
        var file = version is null ? asset.File : asset.AllFiles.FirstOrDefault(f => f.Version == version)
                   ?? throw new DomainException(DomainError.NotFound(AssetErrors.NotFoundCode, $"Asset {assetId} has no version {version}."));
        var download = await files.OpenAsync(PathOf(assetId, file.FileId), ct)
                       ?? throw new DomainException(DomainError.NotFound(AssetErrors.NotFoundCode, $"The file of asset {assetId} version {file.Version} is missing."));
        return (file, download);
    }

    /// <summary>S000.11: a product of the seller references assets; each must be the seller's and approved (409 otherwise).</summary>
    public async Task<IReadOnlyList<AssetSummary>> ReferenceAsync(Actor seller, string productId, IReadOnlyList<string>? assetIds, CancellationToken ct)
    {
        var product = await OwnProductAsync(seller, productId, ct);
        var ids = (assetIds ?? []).Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0 || ids.Count > MaxAssetsPerRequest) DomainException.ThrowIf(AssetErrors.Invalid($"assetIds must name 1-{MaxAssetsPerRequest} assets."));
        // Check every asset before changing any, so a refused one leaves the others as they were.
        foreach (var id in ids)
        {
            var (asset, _) = await LoadVisibleAsync(id, seller, ct);
            DomainException.ThrowIf(AssetRules.Decide(asset, new ReferenceAsset(seller, productId), time.GetUtcNow(), options.Value).Error);
        }
        foreach (var id in ids)
        {
            var result = await runner.ExecuteAsync(Definition, id, seller,
                (state, now) => state is null || !CanSee(state, seller) ? AssetErrors.NotFound(id) : AssetRules.Decide(state, new ReferenceAsset(seller, productId), now, options.Value), ct);
            DomainException.ThrowIf(result.Error);
        }
        return await ProductAssetsAsync(product, ct);
    }

    public async Task UnreferenceAsync(Actor seller, string productId, string assetId, CancellationToken ct)
    {
        await OwnProductAsync(seller, productId, ct);
        var result = await runner.ExecuteAsync(Definition, assetId, seller,
            (state, now) => state is null || !CanSee(state, seller) ? AssetErrors.NotFound(assetId) : AssetRules.Decide(state, new UnreferenceAsset(seller, productId), now, options.Value), ct);
        DomainException.ThrowIf(result.Error);
    }

    public async Task<IReadOnlyList<AssetSummary>> ProductAssetsAsync(string productId, CancellationToken ct) =>
        await ProductAssetsAsync(await catalogue.GetProductAsync(productId, ct), ct);

    private async Task<IReadOnlyList<AssetSummary>> ProductAssetsAsync(Product product, CancellationToken ct)
    {
        var list = new List<AssetSummary>();
        await foreach (var record in store.QueryAsync(Kind, new Dictionary<string, string> { ["sellerId"] = product.SellerId }, ct))
        {
            var a = Read(record);
            if (a.Status != AssetStatus.Deleted && a.UsedByProducts.Contains(product.ProductId)) list.Add(AssetSummary.Of(a));
        }
        return list.OrderBy(a => a.AssetId, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Work handler body: starts the scan of a version, copies the stored file to a scratch file (checking its SHA-256),
    /// runs every scanner on it and records their findings. A stale message (newer version, deleted asset) does nothing.
    /// </summary>
    public async Task ScanAsync(string assetId, int version, CancellationToken ct)
    {
        var o = options.Value;
        var started = await runner.ExecuteAsync(Definition, assetId, Actor.Platform,
            (state, now) => state is null || state.Status == AssetStatus.Deleted ? Decision<AssetEvent>.Accept() : AssetRules.Decide(state, new StartScan(Actor.Platform, version), now, o), ct);
        DomainException.ThrowIf(started.Error);
        if (started.State is not { Status: AssetStatus.Scanning } asset || asset.File.Version != version) return;

        var findings = new List<ScanFinding>();
        var names = new List<string>();
        var download = await files.OpenAsync(PathOf(assetId, asset.File.FileId), ct);
        if (download is null)
        {
            findings.Add(new(ScanRules.Integrity, $"The stored file of version {version} is missing."));
        }
        else
        {
            await using (download)
            await using (var copy = TempFiles.Create(o.TempPath))
            {
                var sha = await CopyHashingAsync(download.Content, copy, ct);
                if (!string.Equals(sha, asset.File.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    findings.Add(new(ScanRules.Integrity, $"The stored file of version {version} does not match its SHA-256 {asset.File.Sha256}."));
                }
                else
                {
                    foreach (var scanner in scanners)
                    {
                        copy.Position = 0;
                        var report = await scanner.ScanAsync(new AssetScanSubject(assetId, version, asset.Type, asset.File.FileName, copy.Length, copy), ct);
                        names.Add(report.Scanner);
                        findings.AddRange(report.Findings);
                    }
                }
            }
        }
        var recorded = await runner.ExecuteAsync(Definition, assetId, Actor.Platform,
            (state, now) => state is null || state.Status == AssetStatus.Deleted ? Decision<AssetEvent>.Accept() : AssetRules.Decide(state, new RecordScan(Actor.Platform, version, findings, names), now, o), ct);
        DomainException.ThrowIf(recorded.Error);
        logger.LogInformation("Scanned asset {AssetId} version {Version}: {Count} finding(s)", assetId, version, findings.Count);
    }

    /// <summary>Work handler body: removes a deleted asset's files (idempotent).</summary>
    public async Task PurgeAsync(AssetPurgeMessage message, CancellationToken ct)
    {
        foreach (var path in message.Paths) await files.DeleteAsync(path, ct);
    }

    private async Task<AssetFile> StoreAsync(string assetId, AssetType type, string fileName, int version, long? length, Stream body, CancellationToken ct)
    {
        var o = options.Value;
        var fileId = "f" + Guid.NewGuid().ToString("N")[..20];
        var path = PathOf(assetId, fileId);
        StoredFile stored;
        if (type == AssetType.DataFile)
        {
            // Seed 002: rule 1 (.xlsx) and rule 2 (10M) before any byte is read, when the request says its length.
            var errors = new List<string>();
            if (AssetFormats.FormatOf(type, fileName) is null) errors.Add(AssetFormats.XlsxOnly);
            if (length > AssetFormats.DataFileMaxBytes) errors.Add(AssetFormats.XlsxTooLarge);
            if (errors.Count > 0)
            {
                DomainException.ThrowIf(errors[0] == AssetFormats.XlsxOnly
                    ? new DomainError(ErrorKind.UnsupportedMediaType, AssetErrors.UnsupportedFormat, string.Join(AssetFormats.Separator, errors))
                    : new DomainError(ErrorKind.TooLarge, AssetErrors.TooLarge, AssetFormats.XlsxTooLarge));
            }
            // Rule 2 again while streaming (a chunked upload says no length): nothing reaches Blob storage.
            await using var scratch = await TempFiles.SpoolAsync(body, AssetFormats.DataFileMaxBytes, o.TempPath, ct)
                                      ?? throw new DomainException(new DomainError(ErrorKind.TooLarge, AssetErrors.TooLarge, AssetFormats.XlsxTooLarge));
            var problems = await DataFileRules.CheckAsync(scratch, o.Limits, ct);
            if (problems.Count > 0) DomainException.ThrowIf(DomainError.Invalid(AssetErrors.InvalidDataFile, string.Join(AssetFormats.Separator, problems)));
            scratch.Position = 0;
            stored = await PutAsync(path, scratch, AssetFormats.XlsxContentType, AssetFormats.DataFileMaxBytes, ct);
        }
        else
        {
            var format = AssetFormats.FormatOf(type, fileName)
                         ?? throw new DomainException(new DomainError(ErrorKind.UnsupportedMediaType, AssetErrors.UnsupportedFormat,
                             $"A software package must be a .zip, .tar or .tar.gz file; '{fileName}' is not."));
            if (AssetFormats.PackageNameProblem(fileName) is { } nameProblem) DomainException.ThrowIf(DomainError.Invalid(AssetErrors.InvalidFileName, nameProblem));
            if (length > o.MaxPackageBytes)
                DomainException.ThrowIf(new DomainError(ErrorKind.TooLarge, AssetErrors.TooLarge, $"The package is {length} bytes; the limit is {o.MaxPackageBytes} bytes."));
            if (length == 0) DomainException.ThrowIf(DomainError.Invalid(AssetErrors.Empty, "The package is empty."));
            stored = await PutAsync(path, body, AssetFormats.ContentTypeOf(format), o.MaxPackageBytes, ct);
            if (stored.Size == 0)
            {
                await files.DeleteAsync(path, CancellationToken.None);
                DomainException.ThrowIf(DomainError.Invalid(AssetErrors.Empty, "The package is empty."));
            }
        }
        return new AssetFile(version, fileId, fileName, stored.ContentType, stored.Size, stored.Sha256, time.GetUtcNow());
    }

    private async Task<StoredFile> PutAsync(string path, Stream content, string contentType, long maxBytes, CancellationToken ct)
    {
        try
        {
            return await files.PutAsync(path, content, contentType, maxBytes, ct);
        }
        catch (FileTooLargeException)
        {
            throw new DomainException(new DomainError(ErrorKind.TooLarge, AssetErrors.TooLarge,
                maxBytes == AssetFormats.DataFileMaxBytes ? AssetFormats.XlsxTooLarge : $"The package exceeds the limit of {maxBytes} bytes."));
        }
    }

    private static async Task<string> CopyHashingAsync(Stream source, Stream target, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, 81920), ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        await target.FlushAsync(ct);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private async Task ThrowAndForgetAsync(DomainError? error, AssetFile file, string assetId)
    {
        if (error is null) return;
        await files.DeleteAsync(PathOf(assetId, file.FileId), CancellationToken.None); // refused: keep no orphan
        DomainException.ThrowIf(error);
    }

    private async Task<Product> OwnProductAsync(Actor seller, string productId, CancellationToken ct)
    {
        var product = await catalogue.GetProductAsync(productId, ct);
        if (product.SellerId != seller.Id) DomainException.ThrowIf(DomainError.NotFound("product.not-found", $"Product {productId} does not exist."));
        return product;
    }

    private async Task<(Asset State, AggregateRecord Record)> LoadVisibleAsync(string assetId, Actor actor, CancellationToken ct)
    {
        var record = await store.LoadAsync(Kind, assetId, ct);
        var asset = record is null ? null : Read(record);
        if (asset is null || asset.Status == AssetStatus.Deleted || !CanSee(asset, actor)) throw new DomainException(AssetErrors.NotFound(assetId));
        return (asset, record!);
    }

    private Asset Read(AggregateRecord record) =>
        JsonSerializer.Deserialize<Asset>(record.StateJson, Definition.Json) ?? throw new InvalidDataException($"Asset {record.Id} has an empty snapshot.");

    private static bool CanSee(Asset a, Actor actor) => actor.Role switch
    {
        Role.Seller => a.SellerId == actor.Id,
        Role.Ops or Role.Reviewer or Role.System => true,
        _ => false,
    };
}

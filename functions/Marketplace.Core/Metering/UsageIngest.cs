using System.Globalization;
using Marketplace.Core.Catalogue;
using Marketplace.Core.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Metering;

/// <summary>
/// The usage push (<c>POST /api/mkp-openapi-public/global/v1/isv/usage-data</c>): checks ts and nonce, finds the signing
/// seller from the records' instances, verifies the signature with every key of that seller valid now, refuses a reused
/// nonce, validates each record and stores the valid ones. Every refusal of the whole push (400, 401, 413) happens before
/// anything is stored. Dedupe is enforced by the storage keys, not by reads: a duplicate that slips past validation (a
/// resend, or a concurrent push of the same records) is refused by its key and reported as 005 or 010.
/// </summary>
public sealed class UsageIngest(
    IMeteredInstances instances,
    IUsageLedger ledger,
    CatalogueService catalogue,
    IOptions<MeteringOptions> options,
    TimeProvider time,
    ILogger<UsageIngest> logger,
    SellerApi.ISellerRateLimit? rate = null)
{
    public const string BadSignature = "auth.bad-signature";
    public const string NonceReused = "auth.nonce-reused";
    public const string Timeout = "usage.timeout";
    private const int LookupParallelism = 8;
    private static readonly TimeSpan SellerCacheFor = TimeSpan.FromSeconds(2);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Seller Seller, DateTimeOffset Until)> _sellers = new(StringComparer.Ordinal);

    /// <param name="utf8Body">The request body exactly as received.</param>
    public async Task<UsagePushResponse> PushAsync(string? signature, string? ts, string? nonce, ReadOnlyMemory<byte> utf8Body, CancellationToken ct)
    {
        var o = options.Value;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        DomainException.ThrowIf(UsagePushHeaders.Validate(ts, nonce, now, o));
        var timestamp = long.Parse(ts!, NumberStyles.None, CultureInfo.InvariantCulture);

        var parsed = UsagePushRequest.Parse(utf8Body, o);
        DomainException.ThrowIf(parsed.Error);
        var request = parsed.Request!;

        // The seller is found from the instances (the push names none); 401 says nothing about which ids exist.
        var known = await LookUpAsync(request.InstanceIds, ct);
        var candidates = request.SellerCandidates(id => known.GetValueOrDefault(id)?.Facts);
        var signer = await SignerAsync(candidates, timestamp, nonce!, utf8Body, signature, now, ct)
                     ?? throw Unauthorized(BadSignature,
                         "The signature does not verify: sign ts={ts}&nonce={nonce}&body={body} with the access key of the seller of the records' instances (base64 HMAC-SHA256), and send exactly the bytes you signed.");

        // The seller's request budget, once the seller is known and before the nonce is claimed: a refused push stores nothing.
        DomainException.ThrowIf((rate ?? SellerApi.UnlimitedSellerRate.Instance).TryAcquire(signer));

        if (!await ledger.TryClaimNonceAsync(signer, nonce!, DateTimeOffset.FromUnixTimeMilliseconds(timestamp), ct))
        {
            throw Unauthorized(NonceReused, "This nonce was already used; send a new nonce (and a new ts and signature) with every request, retries included.");
        }

        // Validate and store; then, at most twice more, the records refused only for an earlier record of this request that
        // was itself refused by storage (its sn or interval was free after all: a refused record claims nothing).
        var instanceFacts = known.ToDictionary(k => k.Key, k => k.Value.Facts, StringComparer.Ordinal);
        var takenSns = new HashSet<(string, string)>();
        var takenRecords = new HashSet<UsageRecordIdentity>();
        var abnormal = new List<AbnormalUsageRecord>();
        var accepted = 0;
        var pending = request;
        for (var round = 0; pending.Records.Count > 0; round++)
        {
            var validation = UsageRecordValidator.Validate(pending, signer, new UsageFactsSnapshot(instanceFacts, takenSns, takenRecords), now, o);
            var rejected = validation.Abnormal.Select(a => a.Index).ToHashSet();
            var acceptedRaw = pending.Records.Where(r => !rejected.Contains(r.Index)).ToList();
            var outcomes = validation.Accepted.Count == 0 ? [] : await StoreAsync(signer, validation.Accepted, known, o, started, ct);
            var refused = new List<UsageRecord>();
            for (var i = 0; i < outcomes.Count; i++)
            {
                var record = validation.Accepted[i];
                var index = acceptedRaw[i].Index;
                switch (outcomes[i])
                {
                    case LedgerOutcome.Accepted:
                        accepted++;
                        takenSns.Add((signer, record.MeteringSn));
                        takenRecords.Add(record.Identity);
                        break;
                    case LedgerOutcome.DuplicateSn:
                        takenSns.Add((signer, record.MeteringSn));
                        refused.Add(record);
                        abnormal.Add(new AbnormalUsageRecord(record.MeteringSn, UsageErrorCodes.DuplicateMeteringSn,
                            $"metering_sn '{record.MeteringSn}' was already accepted in an earlier request; the record is not counted again.", index));
                        break;
                    default:
                        takenRecords.Add(record.Identity);
                        refused.Add(record);
                        abnormal.Add(new AbnormalUsageRecord(record.MeteringSn, UsageErrorCodes.DuplicateRecord,
                            $"A record for instance '{record.InstanceId}' from {UsageTime.ToText(record.BeginUtc)} to {UsageTime.ToText(record.EndUtc)} was already accepted; the duplicate is not counted.", index));
                        break;
                }
            }

            var retry = new List<RawUsageRecord>();
            var raws = pending.Records.ToDictionary(r => r.Index);
            foreach (var a in validation.Abnormal)
            {
                var raw = raws[a.Index];
                var blockedByRefused = round < 2 && a.ErrorCode switch
                {
                    UsageErrorCodes.DuplicateMeteringSn => refused.Any(r => r.MeteringSn == raw.MeteringSn),
                    UsageErrorCodes.DuplicateRecord => raw.TryGetIdentity() is { } id && refused.Any(r => r.Identity == id),
                    _ => false,
                };
                if (blockedByRefused) retry.Add(raw);
                else abnormal.Add(a);
            }

            pending = new UsagePushRequest(retry);
        }

        var total = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (total > o.IngestWindow / 2)
        {
            logger.LogWarning("A usage push of seller {Seller} ({Count} records) took {Total:F0} ms", signer, request.Records.Count, total.TotalMilliseconds);
        }

        abnormal.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new UsagePushResponse(accepted, abnormal);
    }

    /// <summary>
    /// Stores validated records within one window from their arrival time: the sn claims (while the run state is read),
    /// then the rows. A bill run waits that window after its cutoff, so a record that arrived before it has landed.
    /// </summary>
    private async Task<IReadOnlyList<LedgerOutcome>> StoreAsync(
        string signer, IReadOnlyList<UsageRecord> records, Dictionary<string, MeteredInstance> known, MeteringOptions o, long started, CancellationToken ct)
    {
        // Table creation (the first push of a billing day) is not part of the window.
        await ledger.PrepareAsync(signer, records, ct);
        var outcomes = new LedgerOutcome[records.Count];
        using var window = Window(o, ct);
        try
        {
            // The arrival time is taken before the run state is read, so a record is either in time for the cutoff of every
            // run that had not started yet, or filed as a late candidate.
            var arrivedAt = time.GetUtcNow();
            var runsRead = ledger.ReadRunStatesAsync(window.Token);
            var claims = await ledger.ClaimAsync(signer, records, arrivedAt, window.Token);
            var runs = await runsRead;
            var zone = o.ResolveTimeZone();
            var writes = new List<LedgerRecord>();
            for (var i = 0; i < claims.Count; i++)
            {
                if (claims[i].State == SnClaimState.Duplicate)
                {
                    outcomes[i] = LedgerOutcome.DuplicateSn;
                    continue;
                }

                var record = records[i];
                var granularity = known[record.InstanceId].Granularity!.Value;
                var run = runs.FirstOrDefault(r => r.Granularity == granularity);
                writes.Add(new LedgerRecord(i, record, granularity, IsLateCandidate(record, granularity, run, arrivedAt, o, zone), claims[i]));
            }

            var stored = writes.Count == 0 ? [] : await ledger.StoreAsync(signer, writes, arrivedAt, window.Token);
            for (var j = 0; j < writes.Count; j++) outcomes[writes[j].Index] = stored[j];
            return outcomes;
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw TooSlow(signer, records.Count, o, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// A record may miss its period's bill when it arrives at or after the period's run time while the period is sealed or a
    /// run is under way (a run's cutoff is taken after it starts, so a push that read "no run" arrived before any cutoff).
    /// </summary>
    public static bool IsLateCandidate(UsageRecord record, BillingGranularity granularity, BillRunState? run, DateTimeOffset arrivedAt, MeteringOptions options, TimeZoneInfo zone)
    {
        var period = BillingPeriods.PeriodOf(record.BeginUtc, granularity, zone);
        if (arrivedAt < BillingPeriods.RunTimeOf(period, options, zone)) return false;
        return run is not null && (run.RunningSince is not null || (run.SealedThrough is { } through && period.EndUtc <= through));
    }

    private static CancellationTokenSource Window(MeteringOptions o, CancellationToken ct)
    {
        var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        window.CancelAfter(o.IngestWindow);
        return window;
    }

    private DomainException TooSlow(string signer, int count, MeteringOptions o, TimeSpan spent)
    {
        logger.LogWarning("A usage push of seller {Seller} ({Count} records) did not store within {Window} ({Spent:F0} ms since it came in)", signer, count, o.IngestWindow, spent.TotalMilliseconds);
        return new DomainException(new DomainError(ErrorKind.Unavailable, Timeout,
            $"The records could not all be stored within {o.IngestWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds. Resend the whole request with a new ts, nonce and signature: records already stored come back as 005 or 010."));
    }

    private async Task<Dictionary<string, MeteredInstance>> LookUpAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, MeteredInstance>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(ids.Where(id => id.Length <= UsageRecordValidator.MaxIdLength),
            new ParallelOptions { MaxDegreeOfParallelism = LookupParallelism, CancellationToken = ct },
            async (id, token) =>
            {
                if (await instances.FindAsync(id, token) is { } instance) found[id] = instance;
            });
        return new Dictionary<string, MeteredInstance>(found, StringComparer.Ordinal);
    }

    private async Task<string?> SignerAsync(
        IReadOnlyList<string> candidates, long ts, string nonce, ReadOnlyMemory<byte> body, string? signature, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(signature)) return null;
        foreach (var sellerId in candidates)
        {
            // Every push of a seller reads its keys: they are cached for two seconds, so a rotation takes effect within that.
            Seller seller;
            if (_sellers.TryGetValue(sellerId, out var cached) && cached.Until > now)
            {
                seller = cached.Seller;
            }
            else
            {
                try
                {
                    seller = await catalogue.GetSellerAsync(sellerId, ct);
                }
                catch (DomainException)
                {
                    continue; // an index row naming a seller that does not exist
                }

                if (_sellers.Count > 10_000) _sellers.Clear();
                _sellers[sellerId] = (seller, now + SellerCacheFor);
            }

            foreach (var key in seller.InboundKeys(now))
            {
                if (UsagePushSignature.Verify(key.AccessKey, ts, nonce, body.Span, signature)) return sellerId;
            }
        }

        return null;
    }

    private static DomainException Unauthorized(string code, string detail) => new(new DomainError(ErrorKind.Unauthorized, code, detail));
}

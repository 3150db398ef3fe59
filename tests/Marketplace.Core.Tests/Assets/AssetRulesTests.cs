using Marketplace.Core.Assets;
using Marketplace.Core.Common;

namespace Marketplace.Core.Tests.Assets;

/// <summary>§6.7: the asset lifecycle as a pure state machine.</summary>
public sealed class AssetRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly AssetOptions Options = new() { ScanTimeout = TimeSpan.FromMinutes(30), MaxScanRounds = 3 };
    private static readonly Actor Seller = new("SL1", Role.Seller);
    private static readonly Actor Other = new("SL2", Role.Seller);
    private static readonly Actor Platform = Actor.Platform;

    private static AssetFile FileV(int v) => new(v, $"f{v}", $"app-{v}.zip", "application/zip", 100, new string('a', 64), T0);

    private sealed class Box
    {
        public Asset? State;
        public DateTimeOffset Now = T0;

        public Box()
        {
            Run(new SubmitAsset(Seller, "AS1", AssetType.SoftwarePackage, " My app ", "desc", null, FileV(1)));
        }

        public Decision<AssetEvent> Decide(AssetCommand c) => AssetRules.Decide(State, c, Now, Options);

        public Box Run(AssetCommand c)
        {
            var d = Decide(c);
            Assert.False(d.IsRejected, d.Error?.Detail);
            State = AssetRules.ApplyAll(State, d.Events);
            return this;
        }

        public Box Scan(params ScanFinding[] findings) =>
            Run(new StartScan(Platform, State!.File.Version)).Run(new RecordScan(Platform, State!.File.Version, findings, ["built-in"]));

        public IReadOnlyList<AssetEvent> Tick()
        {
            var d = AssetRules.Tick(State!, Now, Options);
            State = AssetRules.ApplyAll(State, d.Events);
            return d.Events;
        }
    }

    private static void Rejected(Decision<AssetEvent> d, ErrorKind kind, string code)
    {
        Assert.True(d.IsRejected);
        Assert.Equal(kind, d.Error!.Kind);
        Assert.Equal(code, d.Error.Code);
    }

    [Fact(DisplayName = "§6.7: Submitted → Scanning → Approved; the name is trimmed")]
    public void Submitted_scanning_approved()
    {
        var b = new Box();
        Assert.Equal(AssetStatus.Submitted, b.State!.Status);
        Assert.Equal("My app", b.State.Name);
        b.Run(new StartScan(Platform, 1));
        Assert.Equal(AssetStatus.Scanning, b.State!.Status);
        Assert.Empty(b.Decide(new StartScan(Platform, 1)).Events); // a redelivered message
        b.Run(new RecordScan(Platform, 1, [], ["built-in"]));
        Assert.Equal(AssetStatus.Approved, b.State!.Status);
        Assert.Equal(1, b.State.ApprovedVersion);
        Assert.Null(AssetRules.NextDeadline(b.State, Options));
    }

    [Fact(DisplayName = "P42: a blocking finding or a vulnerability with CVSS ≥ 7.0 rejects; a lower one does not")]
    public void Verdict()
    {
        Assert.True(AssetRules.Passes([new ScanFinding("vuln", "CVE-1", Cvss: 6.9, Blocking: false)], 7.0));
        Assert.False(AssetRules.Passes([new ScanFinding("vuln", "CVE-2", Cvss: 7.0, Blocking: false)], 7.0));
        Assert.False(AssetRules.Passes([new ScanFinding(ScanRules.Eicar, "x")], 7.0));
        var b = new Box().Scan(new ScanFinding(ScanRules.PathTraversal, "zip slip"));
        Assert.Equal(AssetStatus.Rejected, b.State!.Status);
        Assert.Null(b.State.ApprovedVersion);
    }

    [Fact(DisplayName = "A new version is scanned again; results for an older version change nothing; the approved version stays")]
    public void Versions()
    {
        var b = new Box().Scan();
        Rejected(b.Decide(new ModifyAsset(Seller, FileV(3))), ErrorKind.Conflict, AssetErrors.InvalidTransition);
        b.Run(new ModifyAsset(Seller, FileV(2), Description: "second"));
        Assert.Equal(AssetStatus.Submitted, b.State!.Status);
        Assert.Equal(1, b.State.ApprovedVersion);
        Assert.Equal("second", b.State.Description);
        Assert.Equal(1, Assert.Single(b.State.History).Version);
        Assert.Empty(b.Decide(new StartScan(Platform, 1)).Events);
        b.Run(new StartScan(Platform, 2));
        Assert.Empty(b.Decide(new RecordScan(Platform, 1, [], [])).Events);
        b.Run(new RecordScan(Platform, 2, [new ScanFinding(ScanRules.Eicar, "eicar")], ["built-in"]));
        Assert.Equal(AssetStatus.Rejected, b.State!.Status);
        Assert.Equal(1, b.State.ApprovedVersion);
    }

    [Fact(DisplayName = "S000.11: products reference approved assets only; a referenced asset is not deleted")]
    public void References_and_deletion()
    {
        var b = new Box();
        Rejected(b.Decide(new ReferenceAsset(Seller, "PD1")), ErrorKind.Conflict, AssetErrors.NotApproved);
        b.Scan().Run(new ReferenceAsset(Seller, "PD1"));
        Assert.Empty(b.Decide(new ReferenceAsset(Seller, "PD1")).Events);
        Rejected(b.Decide(new DeleteAsset(Seller, [])), ErrorKind.Conflict, AssetErrors.InUse);
        Rejected(b.Decide(new DeleteAsset(Other, [])), ErrorKind.NotFound, AssetErrors.NotFoundCode);
        b.Run(new UnreferenceAsset(Seller, "PD1")).Run(new DeleteAsset(Seller, ["assets/AS1/f1"]));
        Assert.Equal(AssetStatus.Deleted, b.State!.Status);
        Rejected(b.Decide(new ModifyAsset(Seller, FileV(2))), ErrorKind.NotFound, AssetErrors.NotFoundCode);
    }

    [Fact(DisplayName = "Only the platform scans; only the owner modifies; ops may delete")]
    public void Who()
    {
        var b = new Box();
        Rejected(b.Decide(new StartScan(Seller, 1)), ErrorKind.Forbidden, "auth.forbidden");
        Rejected(b.Decide(new RecordScan(Seller, 1, [], [])), ErrorKind.Forbidden, "auth.forbidden");
        Rejected(b.Decide(new ModifyAsset(Other, FileV(2))), ErrorKind.NotFound, AssetErrors.NotFoundCode);
        Rejected(b.Decide(new ModifyAsset(new Actor("ops-1", Role.Ops), FileV(2))), ErrorKind.Forbidden, "auth.forbidden");
        Assert.False(b.Decide(new DeleteAsset(new Actor("ops-1", Role.Ops), [])).IsRejected);
        Rejected(AssetRules.Decide(null, new SubmitAsset(Seller, "AS2", AssetType.DataFile, " ", null, null, FileV(1)), T0, Options), ErrorKind.Invalid, "validation.failed");
    }

    [Fact(DisplayName = "A scan that does not finish is re-queued, then rejected as incomplete after MaxScanRounds")]
    public void Scan_timeout()
    {
        var b = new Box().Run(new StartScan(Platform, 1));
        Assert.Equal(T0 + TimeSpan.FromMinutes(30), AssetRules.NextDeadline(b.State!, Options));
        b.Now += TimeSpan.FromMinutes(29);
        Assert.Empty(b.Tick());
        b.Now += TimeSpan.FromMinutes(1);
        Assert.IsType<AssetScanRequeued>(Assert.Single(b.Tick()));
        Assert.Equal(AssetStatus.Submitted, b.State!.Status);
        Assert.Empty(b.Tick());
        b.Now += TimeSpan.FromMinutes(30);
        Assert.IsType<AssetScanRequeued>(Assert.Single(b.Tick()));
        b.Now += TimeSpan.FromMinutes(30);
        var final = Assert.IsType<AssetScanned>(Assert.Single(b.Tick()));
        Assert.False(final.Result.Approved);
        Assert.Equal(ScanRules.Incomplete, Assert.Single(final.Result.Findings).Rule);
        Assert.Equal(AssetStatus.Rejected, b.State!.Status);
        Assert.Null(AssetRules.NextDeadline(b.State, Options));
    }

    [Fact(DisplayName = "Settings validate")]
    public void Options_validate()
    {
        Assert.Empty(new AssetOptions().Validate());
        Assert.Equal(8, new AssetOptions { MaxPackageBytes = 0, MaxEntries = 0, MaxExpansionRatio = 0.5, MaxExpandedBytes = 0, MaxNestingDepth = -1, ScanTimeout = TimeSpan.Zero, MaxScanRounds = 0, RejectCvss = 11 }.Validate().Count);
    }
}

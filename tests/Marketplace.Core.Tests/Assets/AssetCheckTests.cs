using System.Formats.Tar;
using DocumentFormat.OpenXml;
using Marketplace.Core.Assets;
using static Marketplace.Core.Tests.Assets.Samples;

namespace Marketplace.Core.Tests.Assets;

/// <summary>§9 and P42: the pure checks of the asset center (names, archives, EICAR, the data-item workbook).</summary>
public sealed class AssetCheckTests
{
    private static readonly ArchiveLimits Limits = new(MaxEntries: 100, MaxExpansionRatio: 100, MaxExpandedBytes: 1L << 30, MaxNestingDepth: 2);

    private static async Task<IReadOnlyList<ScanFinding>> InspectAsync(Stream s, ArchiveFormat format, ArchiveLimits? limits = null) =>
        await ArchiveInspector.InspectAsync(s, format, limits ?? Limits, CancellationToken.None);

    private static async Task<IReadOnlyList<string>> CheckAsync(Stream xlsx) => await DataFileRules.CheckAsync(xlsx, Limits, CancellationToken.None);

    [Fact(DisplayName = "EICAR is found wherever it lies, across any chunk boundary, and nowhere else")]
    public void Eicar_across_chunks()
    {
        var data = Text(new string('a', 100)).Concat(Eicar).Concat(Text("tail")).ToArray();
        for (var split = 0; split <= data.Length; split++)
        {
            var m = new EicarMatcher();
            m.Feed(data.AsSpan(0, split));
            m.Feed(data.AsSpan(split));
            Assert.True(m.Found, $"split at {split}");
        }
        var bytewise = new EicarMatcher();
        foreach (var b in data) bytewise.Feed([b]);
        Assert.True(bytewise.Found);

        var nearMiss = Eicar.ToArray();
        nearMiss[^1] = (byte)'#';
        var none = new EicarMatcher();
        foreach (var chunk in nearMiss.Chunk(7)) none.Feed(chunk);
        Assert.False(none.Found);
    }

    [Theory(DisplayName = "Zip slip: entry names stay inside the package folder")]
    [InlineData("app/bin/run.sh", null)]
    [InlineData("a..b/c..d.txt", null)]
    [InlineData("../evil.sh", ScanRules.PathTraversal)]
    [InlineData("app/../../evil.sh", ScanRules.PathTraversal)]
    [InlineData("app\\..\\..\\evil.sh", ScanRules.PathTraversal)]
    [InlineData("/etc/passwd", ScanRules.AbsolutePath)]
    [InlineData("\\windows\\system32\\x.dll", ScanRules.AbsolutePath)]
    [InlineData("C:\\Windows\\x.dll", ScanRules.AbsolutePath)]
    [InlineData("c:relative-to-drive.txt", ScanRules.AbsolutePath)]
    [InlineData("", ScanRules.InvalidName)]
    public void Entry_names(string name, string? rule) => Assert.Equal(rule, ArchivePaths.CheckName(name, name)?.Rule);

    [Theory(DisplayName = "Links resolve from their own folder and must stay inside")]
    [InlineData("app/current", "run.sh", true)]
    [InlineData("app/lib/x", "../data.bin", true)]
    [InlineData("app/lib/x", "../../data.bin", true)]
    [InlineData("app/lib/x", "../../../etc/shadow", false)]
    [InlineData("top", "..", false)]
    [InlineData("app/x", "/etc/shadow", false)]
    [InlineData("app/x", "", false)]
    public void Link_targets(string link, string target, bool inside) => Assert.Equal(inside, ArchivePaths.CheckLinkTarget(link, link, target) is null);

    [Fact(DisplayName = "The expansion budget: size × ratio, at least 1 MiB, at most MaxExpandedBytes")]
    public void Expansion_budget()
    {
        var limits = new ArchiveLimits(10, 100, 50L << 20, 1);
        Assert.Equal(ArchiveLimits.RatioFloorBytes, limits.ExpansionBudget(1000));
        Assert.Equal(100L * 100_000, limits.ExpansionBudget(100_000));
        Assert.Equal(50L << 20, limits.ExpansionBudget(10L << 20));
    }

    [Fact(DisplayName = "A clean zip, tar and tar.gz have no findings")]
    public async Task Clean_archives()
    {
        Assert.Empty(await InspectAsync(Zip(("a/b.txt", Text("b")), ("a/c/", [])), ArchiveFormat.Zip));
        Assert.Empty(await InspectAsync(Tar(false, File("a/b.txt", Text("b"))), ArchiveFormat.Tar));
        Assert.Empty(await InspectAsync(Tar(true, File("a/b.txt", Text("b"))), ArchiveFormat.TarGz));
    }

    [Fact(DisplayName = "Every broken name is reported, with the entry it was found in")]
    public async Task Findings_name_their_entries()
    {
        var findings = await InspectAsync(Zip(("ok.txt", Text("ok")), ("../../x", Text("x")), ("/abs", Text("y"))), ArchiveFormat.Zip);
        Assert.Equal([ScanRules.PathTraversal, ScanRules.AbsolutePath], findings.Select(f => f.Rule).ToArray());
        Assert.Equal("../../x", findings[0].Entry);
    }

    [Fact(DisplayName = "A zip symbolic link (Unix mode bits) that escapes is found; one that stays inside is not")]
    public async Task Zip_symlinks()
    {
        var escape = await InspectAsync(ZipWith(("app/link", Text("../../etc/passwd"), 0xA1FF), ("app/run", Text("x"), 0x81ED)), ArchiveFormat.Zip);
        Assert.Equal(ScanRules.LinkEscape, Assert.Single(escape).Rule);
        Assert.Empty(await InspectAsync(ZipWith(("app/link", Text("run"), 0xA1FF), ("app/run", Text("x"), 0x81ED)), ArchiveFormat.Zip));
    }

    [Fact(DisplayName = "Tar: links, hard links and devices")]
    public async Task Tar_special_entries()
    {
        var findings = await InspectAsync(Tar(false,
            new PaxTarEntry(TarEntryType.SymbolicLink, "a/l") { LinkName = "/etc/shadow" },
            new PaxTarEntry(TarEntryType.HardLink, "a/h") { LinkName = "../../etc/shadow" },
            new PaxTarEntry(TarEntryType.CharacterDevice, "dev/null")), ArchiveFormat.Tar);
        Assert.Equal([ScanRules.LinkEscape, ScanRules.LinkEscape, ScanRules.SpecialEntry], findings.Select(f => f.Rule).ToArray());
    }

    [Fact(DisplayName = "Too many entries: refused from the zip's own count, before the entries are read")]
    public async Task Entry_count()
    {
        var zip = Zip(Enumerable.Range(0, 12).Select(i => ($"f{i}", Text("x"))).ToArray());
        Assert.Equal(12, ArchiveInspector.DeclaredZipEntries(zip));
        var findings = await InspectAsync(zip, ArchiveFormat.Zip, Limits with { MaxEntries = 10 });
        Assert.Equal(ScanRules.TooManyEntries, Assert.Single(findings).Rule);
        var tar = await InspectAsync(Tar(false, Enumerable.Range(0, 12).Select(i => File($"f{i}", Text("x"))).ToArray()), ArchiveFormat.Tar, Limits with { MaxEntries = 10 });
        Assert.Equal(ScanRules.TooManyEntries, Assert.Single(tar).Rule);
    }

    [Fact(DisplayName = "Decompression bombs: the ratio is counted on inflated bytes; gzip too")]
    public async Task Expansion()
    {
        var zeros = new byte[8 << 20];
        var zip = await InspectAsync(Zip(("z.bin", zeros)), ArchiveFormat.Zip);
        Assert.Equal(ScanRules.ExpansionRatio, Assert.Single(zip).Rule);
        var tgz = await InspectAsync(Tar(true, File("z.bin", zeros)), ArchiveFormat.TarGz);
        Assert.Equal(ScanRules.ExpansionRatio, Assert.Single(tgz).Rule);
        var capped = await InspectAsync(Zip(("z.bin", zeros)), ArchiveFormat.Zip, Limits with { MaxExpansionRatio = 1_000_000, MaxExpandedBytes = 4 << 20 });
        Assert.Equal(ScanRules.ExpandedTooLarge, Assert.Single(capped).Rule);
    }

    [Fact(DisplayName = "EICAR inside nested archives is found down to MaxNestingDepth, named by its path")]
    public async Task Nested_eicar()
    {
        byte[] Nested() => Zip(("inner/pkg.tar.gz", Tar(true, File("deep/eicar.com", Eicar)).ToArray())).ToArray();
        var found = await InspectAsync(new MemoryStream(Nested()), ArchiveFormat.Zip);
        Assert.Equal("inner/pkg.tar.gz!deep/eicar.com", Assert.Single(found).Entry);
        Assert.Equal(ScanRules.Eicar, found[0].Rule);
        Assert.Empty(await InspectAsync(new MemoryStream(Nested()), ArchiveFormat.Zip, Limits with { MaxNestingDepth = 0 }));
    }

    [Fact(DisplayName = "Unreadable and empty archives are findings, not crashes")]
    public async Task Unreadable()
    {
        Assert.Equal(ScanRules.Unreadable, Assert.Single(await InspectAsync(new MemoryStream(Text("not a zip")), ArchiveFormat.Zip)).Rule);
        Assert.Equal(ScanRules.Unreadable, Assert.Single(await InspectAsync(new MemoryStream(Text("not gzip")), ArchiveFormat.TarGz)).Rule);
        var truncated = Tar(false, File("a.bin", new byte[5000])).ToArray()[..1500];
        Assert.Equal(ScanRules.Unreadable, Assert.Single(await InspectAsync(new MemoryStream(truncated), ArchiveFormat.Tar)).Rule);
        Assert.Equal(ScanRules.Empty, Assert.Single(await InspectAsync(Zip(), ArchiveFormat.Zip)).Rule);
    }

    [Fact(DisplayName = "Built-in scanner: EICAR in a file that is no archive, named by the file")]
    public async Task Scanner_raw_eicar()
    {
        var scanner = new BuiltInAssetScanner(Microsoft.Extensions.Options.Options.Create(new AssetOptions()));
        var report = await scanner.ScanAsync(new AssetScanSubject("AS1", 1, AssetType.SoftwarePackage, "x.zip", Eicar.Length, new MemoryStream(Eicar)), CancellationToken.None);
        Assert.Equal([ScanRules.Eicar, ScanRules.Unreadable], report.Findings.Select(f => f.Rule).ToArray());
        var clean = await scanner.ScanAsync(new AssetScanSubject("AS1", 1, AssetType.SoftwarePackage, "x.zip", 0, Zip(("a", Text("a")))), CancellationToken.None);
        Assert.Empty(clean.Findings);
    }

    [Theory(DisplayName = "Seed 002 / P42: formats by file name; package names")]
    [InlineData("softwarePackage", "app.zip", ArchiveFormat.Zip)]
    [InlineData("softwarePackage", "APP.TAR.GZ", ArchiveFormat.TarGz)]
    [InlineData("softwarePackage", "app.tar", ArchiveFormat.Tar)]
    [InlineData("softwarePackage", "app.tgz", null)]
    [InlineData("softwarePackage", "app.xlsx", null)]
    [InlineData("dataFile", "data.XLSX", ArchiveFormat.Xlsx)]
    [InlineData("dataFile", "data.xls", null)]
    [InlineData("dataFile", "data.xlsx.csv", null)]
    public void Formats(string type, string name, ArchiveFormat? format) =>
        Assert.Equal(format, AssetFormats.FormatOf(AssetFormats.ParseType(type)!.Value, name));

    [Theory(DisplayName = "P42: package names use letters, digits, -, _, parentheses (and dots between version numbers)")]
    [InlineData("my-app_1.2.3(x64).tar.gz", true)]
    [InlineData("app.zip", true)]
    [InlineData("my app.zip", false)]
    [InlineData("应用.zip", false)]
    [InlineData(".hidden.zip", false)]
    [InlineData(".zip", false)]
    public void Package_names(string name, bool ok) => Assert.Equal(ok, AssetFormats.PackageNameProblem(name) is null);

    [Fact(DisplayName = "Seed 002: the two messages, word for word")]
    public void Seed_messages()
    {
        Assert.Equal("仅支持上传.xlsx格式的文件", AssetFormats.XlsxOnly);
        Assert.Equal("上传的文件大小最大为10M", AssetFormats.XlsxTooLarge);
        Assert.Equal(10 * 1024 * 1024, AssetFormats.DataFileMaxBytes);
    }

    [Fact(DisplayName = "A good data-item workbook (shared strings, several sheets) passes")]
    public async Task Good_workbook() =>
        Assert.Empty(await CheckAsync(Xlsx(("items", [["name", "type"], ["city", "string"]]), ("notes", [["free text"]]))));

    [Fact(DisplayName = "Workbook rules: every error of the file, in reading order")]
    public async Task Workbook_errors()
    {
        Assert.Equal([DataFileRules.NotWorkbook], await CheckAsync(new MemoryStream(Text("plain text"))));
        Assert.Equal([DataFileRules.NotWorkbook], await CheckAsync(Zip(("a.txt", Text("a")))));
        Assert.Equal([DataFileRules.NotPlainWorkbook], await CheckAsync(Xlsx(SpreadsheetDocumentType.MacroEnabledWorkbook, ("s", [["a"], ["b"]]))));
        Assert.Equal([DataFileRules.NoSheet], await CheckAsync(Xlsx()));
        Assert.Equal([DataFileRules.EmptySheet("s")], await CheckAsync(Xlsx(("s", []))));
        Assert.Equal([DataFileRules.EmptySheet("s")], await CheckAsync(Xlsx(("s", [[null], ["a"]]))));
        Assert.Equal([DataFileRules.NoDataRow("s")], await CheckAsync(Xlsx(("s", [["a", "b"]]))));
        Assert.Equal(
            [DataFileRules.EmptyHeader("s", "B1"), DataFileRules.DuplicateHeader("s", "A"), DataFileRules.IdNumber("s", "A2"), DataFileRules.MobileNumber("other", "B1")],
            await CheckAsync(Xlsx(("s", [["a", null, "A"], ["110101199003077774", "x"]]), ("other", [["x", "+86 139-0000-1111"]]))));
    }

    [Fact(DisplayName = "P61: at most five sensitive cells are named, then counted")]
    public async Task Sensitive_cells_are_capped()
    {
        var rows = new List<string?[]> { new[] { "phone" } };
        rows.AddRange(Enumerable.Range(0, 8).Select(i => new[] { $"1380013800{i}" }));
        var errors = await CheckAsync(Xlsx(("s", rows.ToArray())));
        Assert.Equal(6, errors.Count);
        Assert.Equal(DataFileRules.MoreSensitive(3), errors[^1]);
    }

    [Theory(DisplayName = "GB 11643 identity numbers (check digit, birth date) and mainland mobile numbers")]
    [InlineData("110101199003077774", "id")]
    [InlineData("11010119900307777X", null)]
    [InlineData("110101199003077775", null)]
    [InlineData("110101199013077774", null)]
    [InlineData("身份证:110101199003077774。", "id")]
    [InlineData("13800138000", "mobile")]
    [InlineData("tel +86 139-0000-1111", "mobile")]
    [InlineData("+8613900001111", "mobile")]
    [InlineData("12800138000", null)]
    [InlineData("213800138000", null)]
    [InlineData("order 1234567890123", null)]
    public void Sensitive(string text, string? kind) => Assert.Equal(kind, DataFileRules.SensitiveKind(text));
}

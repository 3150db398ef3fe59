using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Server.Tests.Infrastructure;
using Marketplace.Storage;
using static Marketplace.Server.Tests.Assets.AssetSamples;

namespace Marketplace.Server.Tests.Assets;

/// <summary>The asset center end to end over HTTP on Azurite: uploads that pass and fail each rule, scans, versions, products.</summary>
public sealed class AssetFlowTests : IDisposable
{
    private const string XlsxOnly = "仅支持上传.xlsx格式的文件";
    private const string XlsxTooLarge = "上传的文件大小最大为10M";
    private const int TenMegabytes = 10 * 1024 * 1024;

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "mkp-assets-test-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    private MarketplaceApp App(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?> { ["Assets:TempPath"] = _scratch };
        foreach (var (k, v) in settings) all[k] = v;
        return new MarketplaceApp(all);
    }

    private static string Status(JsonObject a) => a["status"]!.GetValue<string>();

    private static string Id(JsonObject a) => a["assetId"]!.GetValue<string>();

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string url, byte[] bytes, bool chunked = false)
    {
        HttpContent content = chunked ? new StreamContent(new NoLengthStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return client.PutAsync(url, content);
    }

    private static Task<HttpResponseMessage> UploadAsync(Market m, string fileName, byte[] bytes, string type = "softwarePackage", bool chunked = false, string? name = null) =>
        PutAsync(m.Seller, $"/api/assets/{Uri.EscapeDataString(fileName)}?type={type}&name={Uri.EscapeDataString(name ?? fileName)}&description=test", bytes, chunked);

    private static async Task<JsonObject> ScannedAsync(Market m, string assetId) =>
        await Market.EventuallyAsync(async () => await (await m.Seller.GetAsync($"/api/assets/{assetId}")).JsonAsync(),
            a => Status(a) is "Approved" or "Rejected", what: $"the scan of {assetId}");

    private static IEnumerable<string> Rules(JsonObject a) => a["scan"]!["findings"]!.AsArray().Select(f => f!["rule"]!.GetValue<string>());

    [Fact]
    public async Task Packages_in_each_format_are_stored_answered_at_once_scanned_and_approved()
    {
        await using var app = App();
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var zip = Zip(("app/bin/run.sh", Text("#!/bin/sh\necho hello\n")), ("app/README.md", Text("# App\n")), ("app/lib/", []));
        var tar = Tar(false, Folder("app/"), File("app/run.sh", Text("#!/bin/sh\n")), Link("app/current", "run.sh"));
        var tgz = Tar(true, File("app/data.bin", Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray()), Link("app/lib/x", "../data.bin"));

        var ids = new List<string>();
        foreach (var (name, bytes) in new[] { ("my-app-1.0.zip", zip), ("my_app(2).tar", tar), ("my-app.tar.gz", tgz) })
        {
            var created = await (await UploadAsync(m, name, bytes)).JsonAsync(201);
            Assert.True(Status(created) is "Submitted" or "Scanning" or "Approved", Status(created)); // the upload does not wait for the scan
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), created["file"]!["sha256"]!.GetValue<string>());
            Assert.Equal(bytes.Length, created["file"]!["size"]!.GetValue<long>());
            ids.Add(Id(created));
        }

        foreach (var id in ids)
        {
            var done = await ScannedAsync(m, id);
            Assert.Equal("Approved", Status(done));
            Assert.Empty(done["scan"]!["findings"]!.AsArray());
            Assert.Null(done["errors"]);
            Assert.Equal(1, done["approvedVersion"]!.GetValue<int>());
            Assert.Equal(["asset.submitted", "scan.started", "scan.approved"], done["timeline"]!.AsArray().Select(t => t!["action"]!.GetValue<string>()).ToArray());
            Assert.True(done["timelineVerified"]!.GetValue<bool>());
        }

        var download = await m.Seller.GetAsync($"/api/assets/{ids[0]}/file");
        Assert.Equal(zip, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/zip", download.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(download.Headers.ETag);

        var listed = await (await m.Seller.GetAsync("/api/assets?status=Approved")).Content.ReadFromJsonAsync<JsonArray>();
        Assert.Equal(3, listed!.Count);
        await (await m.OtherBuyer.GetAsync($"/api/assets/{ids[0]}")).ProblemAsync(403, "auth.forbidden");
        Assert.Equal(3, (await (await m.Ops.GetAsync("/api/assets")).Content.ReadFromJsonAsync<JsonArray>())!.Count);
    }

    [Fact]
    public async Task Packages_that_break_a_rule_are_rejected_with_every_finding()
    {
        await using var app = App(("Assets:MaxEntries", "20"));
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var cases = new (string File, byte[] Bytes, string Rule)[]
        {
            ("zip-slip.zip", Zip(("ok.txt", Text("fine")), ("../../etc/cron.d/evil", Text("* * * * * root sh"))), "archive.path-traversal"),
            ("absolute.tar", Tar(false, File("/etc/passwd", Text("root:x:0:0"))), "archive.absolute-path"),
            ("escape.tar.gz", Tar(true, File("a.txt", Text("a")), Link("app/link", "../../../etc/shadow")), "archive.link-escape"),
            ("eicar.zip", Zip(("docs/readme.txt", Text("hello")), ("tools/eicar.com", Eicar)), "malware.eicar-test-file"),
            ("nested-eicar.zip", Zip(("lib/inner.tar.gz", Tar(true, File("x/eicar.txt", Eicar)))), "malware.eicar-test-file"),
            ("bomb.zip", Zip(CompressionLevel.SmallestSize, ("zeros.bin", new byte[20 * 1024 * 1024])), "archive.expansion-ratio"),
            ("many.zip", Zip(Enumerable.Range(0, 25).Select(i => ($"f{i}.txt", Text("x"))).ToArray()), "archive.too-many-entries"),
            ("broken.tar.gz", Text("this is not gzip at all"), "archive.unreadable"),
            ("empty.zip", Zip(), "archive.empty"),
        };

        var ids = new List<(string Id, string Rule, string File)>();
        foreach (var (file, bytes, rule) in cases)
            ids.Add((Id(await (await UploadAsync(m, file, bytes)).JsonAsync(201)), rule, file));

        foreach (var (id, rule, file) in ids)
        {
            var done = await ScannedAsync(m, id);
            Assert.True(Status(done) == "Rejected", $"{file}: {done.ToJsonString()}");
            Assert.Contains(rule, Rules(done));
            Assert.Null(done["approvedVersion"]);
            var findings = done["scan"]!["findings"]!.AsArray().Select(f => f!["message"]!.GetValue<string>()).ToArray();
            Assert.Equal(string.Join(";", findings), done["errors"]!.GetValue<string>());
        }

        var nested = await ScannedAsync(m, ids.Single(i => i.File == "nested-eicar.zip").Id);
        Assert.Equal("lib/inner.tar.gz!x/eicar.txt", nested["scan"]!["findings"]!.AsArray().Single()!["entry"]!.GetValue<string>());
        var slip = await ScannedAsync(m, ids.Single(i => i.File == "zip-slip.zip").Id);
        Assert.Contains("../../etc/cron.d/evil", slip["errors"]!.GetValue<string>());

        // Refused before anything is stored: the format, and the package-name rule.
        await (await UploadAsync(m, "tool.rar", Zip(("a", Text("a"))))).ProblemAsync(415, "asset.unsupported-format");
        await (await UploadAsync(m, "bad name!.zip", Zip(("a", Text("a"))))).ProblemAsync(422, "asset.invalid-file-name");
        await (await UploadAsync(m, "empty.tar", [])).ProblemAsync(422, "asset.empty");
        await (await PutAsync(m.Seller, "/api/assets/app.zip?type=image", Zip(("a", Text("a"))))).ProblemAsync(422, "validation.failed");
        await (await PutAsync(m.Buyer, "/api/assets/app.zip?type=softwarePackage", Zip(("a", Text("a"))))).ProblemAsync(403, "auth.forbidden");
    }

    [Fact]
    public async Task Data_files_are_checked_at_upload_with_the_exact_messages()
    {
        await using var app = App();
        var m = await Market.OpenAsync(app.ClientAsAsync);

        var good = await (await UploadAsync(m, "城市数据.xlsx", GoodWorkbook(), "dataFile", name: "城市人口数据")).JsonAsync(201);
        Assert.Equal("dataFile", good["type"]!.GetValue<string>());
        Assert.Equal("Approved", Status(await ScannedAsync(m, Id(good))));

        // Seed 002, rule 1: only .xlsx.
        var p = await (await UploadAsync(m, "cities.xls", GoodWorkbook(), "dataFile")).ProblemAsync(415, "asset.unsupported-format");
        Assert.Equal(XlsxOnly, p["detail"]!.GetValue<string>());
        p = await (await UploadAsync(m, "cities.csv", Text("a,b\n1,2\n"), "dataFile")).ProblemAsync(415, "asset.unsupported-format");
        Assert.Equal(XlsxOnly, p["detail"]!.GetValue<string>());
        // Both rules broken: both messages, separated by ";".
        p = await (await UploadAsync(m, "cities.xls", new byte[TenMegabytes + 1], "dataFile")).ProblemAsync(415, "asset.unsupported-format");
        Assert.Equal(XlsxOnly + ";" + XlsxTooLarge, p["detail"]!.GetValue<string>());

        // Seed 002, rule 2: 10 MB + 1 byte is refused, by its length and, without one, while streaming; nothing is stored.
        var workbook = GoodWorkbook();
        var tooBig = workbook.Concat(new byte[TenMegabytes + 1 - workbook.Length]).ToArray();
        Assert.Equal(TenMegabytes + 1, tooBig.Length);
        p = await (await UploadAsync(m, "big.xlsx", tooBig, "dataFile")).ProblemAsync(413, "asset.too-large");
        Assert.Equal(XlsxTooLarge, p["detail"]!.GetValue<string>());
        p = await (await UploadAsync(m, "big-chunked.xlsx", tooBig, "dataFile", chunked: true)).ProblemAsync(413, "asset.too-large");
        Assert.Equal(XlsxTooLarge, p["detail"]!.GetValue<string>());

        // Exactly 10 MB passes the size rule (and is then checked as a workbook).
        var tenMb = workbook.Concat(new byte[TenMegabytes - workbook.Length]).ToArray();
        p = await (await UploadAsync(m, "ten.xlsx", tenMb, "dataFile", chunked: true)).ProblemAsync(422, "asset.invalid-data-file");
        Assert.DoesNotContain(XlsxTooLarge, p["detail"]!.GetValue<string>());

        // Not a workbook at all.
        p = await (await UploadAsync(m, "fake.xlsx", Text("just some text"), "dataFile")).ProblemAsync(422, "asset.invalid-data-file");
        Assert.Equal("文件无法作为.xlsx工作簿打开", p["detail"]!.GetValue<string>());

        // A workbook that breaks several rules: every error, together, separated by ";".
        var messy = Xlsx("人员", ["姓名", null, "姓名", "手机"], ["张三", "x", "110101199003077774", "13800138000"]);
        p = await (await UploadAsync(m, "messy.xlsx", messy, "dataFile")).ProblemAsync(422, "asset.invalid-data-file");
        Assert.Equal(
            "工作表\"人员\"的表头单元格B1为空;工作表\"人员\"的表头\"姓名\"重复;单元格人员!C2疑似包含身份证号码,不得上传个人敏感数据;单元格人员!D2疑似包含手机号码,不得上传个人敏感数据",
            p["detail"]!.GetValue<string>());
        p = await (await UploadAsync(m, "header-only.xlsx", Xlsx("S", ["a", "b"]), "dataFile")).ProblemAsync(422, "asset.invalid-data-file");
        Assert.Equal("工作表\"S\"没有数据行", p["detail"]!.GetValue<string>());

        // Only the accepted workbook reached Blob storage, and no scratch file is left behind.
        var container = StorageAccount.Parse(TestStorage.ConnectionString).GetBlobContainerClient(app.Prefix + "-files");
        var blobs = new List<string>();
        await foreach (var b in container.ListAsync("assets/")) blobs.Add(b.Name);
        Assert.Equal([$"assets/{Id(good)}/"], blobs.Select(b => b[..(b.LastIndexOf('/') + 1)]).ToArray());
        Assert.Empty(Directory.Exists(_scratch) ? Directory.GetFiles(_scratch) : []);
    }

    [Fact]
    public async Task Versions_products_and_deletion()
    {
        await using var app = App();
        var m = await Market.OpenAsync(app.ClientAsAsync);
        var productId = await m.ProductAsync("licensePackage");
        var v1 = Zip(("app/run.sh", Text("v1")));
        var id = Id(await (await UploadAsync(m, "app.zip", v1)).JsonAsync(201));
        var bad = Id(await (await UploadAsync(m, "bad.zip", Zip(("../x", Text("x"))))).JsonAsync(201));

        // Only approved assets: not while it is being scanned or after it was rejected.
        Assert.Equal("Rejected", Status(await ScannedAsync(m, bad)));
        await (await m.Seller.PostAsJsonAsync($"/api/products/{productId}/assets", new { assetIds = new[] { bad } })).ProblemAsync(409, "asset.not-approved");
        Assert.Equal("Approved", Status(await ScannedAsync(m, id)));
        var used = await (await m.Seller.PostAsJsonAsync($"/api/products/{productId}/assets", new { assetIds = new[] { id } })).Content.ReadFromJsonAsync<JsonArray>();
        Assert.Equal(id, Assert.Single(used!)!["assetId"]!.GetValue<string>());
        Assert.Single((await (await m.Buyer.GetAsync($"/api/products/{productId}/assets")).Content.ReadFromJsonAsync<JsonArray>())!);

        // A new version is scanned again; the approved one stays the product's meanwhile.
        var v2 = Zip(("app/run.sh", Text("v2")), ("app/eicar.txt", Eicar));
        var modified = await (await PutAsync(m.Seller, $"/api/assets/{id}/file/app-2.zip?description=second", v2)).JsonAsync();
        Assert.Equal(2, modified["file"]!["version"]!.GetValue<int>());
        Assert.Equal(1, modified["approvedVersion"]!.GetValue<int>());
        var rejected = await ScannedAsync(m, id);
        Assert.Equal("Rejected", Status(rejected));
        Assert.Equal(1, rejected["approvedVersion"]!.GetValue<int>());
        Assert.Equal("app.zip", rejected["history"]!.AsArray().Single()!["fileName"]!.GetValue<string>());
        Assert.Equal(v1, await (await m.Seller.GetAsync($"/api/assets/{id}/file?version=1")).Content.ReadAsByteArrayAsync());
        var v3 = Zip(("app/run.sh", Text("v3")));
        await (await PutAsync(m.Seller, $"/api/assets/{id}/file/app-3.zip", v3)).JsonAsync();
        var approved = await ScannedAsync(m, id);
        Assert.Equal(3, approved["approvedVersion"]!.GetValue<int>());
        Assert.Equal(v3, await (await m.Seller.GetAsync($"/api/assets/{id}/file")).Content.ReadAsByteArrayAsync());

        // Another seller sees nothing; a referenced asset is not deleted.
        var other = await app.ClientAsAsync("SLOTHER", "seller");
        await (await other.GetAsync($"/api/assets/{id}")).ProblemAsync(404, "asset.not-found");
        await (await other.DeleteAsync($"/api/assets/{id}")).ProblemAsync(404, "asset.not-found");
        await (await m.Seller.DeleteAsync($"/api/assets/{id}")).ProblemAsync(409, "asset.in-use");
        Assert.Equal(204, (int)(await m.Seller.DeleteAsync($"/api/products/{productId}/assets/{id}")).StatusCode);
        Assert.Equal(204, (int)(await m.Seller.DeleteAsync($"/api/assets/{id}")).StatusCode);
        await (await m.Seller.GetAsync($"/api/assets/{id}")).ProblemAsync(404, "asset.not-found");

        // Its three files are removed after the commit.
        var container = StorageAccount.Parse(TestStorage.ConnectionString).GetBlobContainerClient(app.Prefix + "-files");
        await Market.EventuallyAsync(async () =>
        {
            var n = 0;
            await foreach (var _ in container.ListAsync($"assets/{id}/")) n++;
            return n;
        }, n => n == 0, what: "the deleted asset's files to be purged");
    }

    /// <summary>A body without a known length: the client sends it chunked.</summary>
    private sealed class NoLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

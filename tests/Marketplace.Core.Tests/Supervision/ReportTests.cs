using Marketplace.Core.Common;
using Marketplace.Core.Supervision;
using static Marketplace.Core.Tests.Supervision.CaseBuilder;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>Seed 000 / seed 002: acceptance reports, their references and locking.</summary>
public sealed class ReportTests
{
    [Fact(DisplayName = "Seed 002: an upload records the reference; the timeline event carries the sha256")]
    public void Upload_records_the_reference()
    {
        var b = Open().ToSellerImplementing();
        b.Do(new RecordReportUploaded(Seller, "report-1", "acceptance.pdf", "application/pdf", 2048, Sha(4)));

        var e = Assert.IsType<ReportUploaded>(Assert.Single(b.LastEvents));
        Assert.Equal(CaseActions.ReportUploaded, e.Action);
        Assert.Equal(Sha(4), e.Sha256);
        Assert.Contains(Sha(4), e.Reason, StringComparison.Ordinal);
        var report = Assert.Single(b.State.Reports);
        Assert.Equal(new ReportRef("report-1", "acceptance.pdf", "application/pdf", 2048, Sha(4), b.Now), report);
        Assert.False(report.Locked);
        Assert.Equal(CaseState.SellerImplementing, b.State.State);
    }

    [Fact(DisplayName = "A re-upload of the same file name replaces the unlocked reference")]
    public void Reupload_replaces_unlocked_report()
    {
        var b = Open().ToSellerImplementing();
        var first = b.Upload("acceptance.pdf");
        var second = b.Upload("acceptance.pdf");

        var e = Assert.IsType<ReportUploaded>(Assert.Single(b.LastEvents));
        Assert.Equal(first, e.ReplacesReportId);
        var report = Assert.Single(b.State.Reports);
        Assert.Equal(second, report.ReportId);
        Expect.Rejected(b.Try(new SubmitDelivery(Seller, [first])), ErrorKind.Invalid, CaseErrors.DeliveryUnknownReport);
    }

    [Fact(DisplayName = "A report referenced by a delivery is locked: a re-upload of its name is 409 report.locked")]
    public void Delivered_report_is_locked()
    {
        var b = Open().ToSellerImplementing();
        var report = b.Upload("acceptance.pdf");
        b.Upload("notes.txt");
        b.Do(new SubmitDelivery(Seller, [report])).Reject();

        Assert.True(b.State.Reports.Single(r => r.ReportId == report).Locked);
        Assert.False(b.State.Reports.Single(r => r.FileName == "notes.txt").Locked);
        var error = Expect.Rejected(b.Try(new RecordReportUploaded(Seller, "report-9", "acceptance.pdf", "application/pdf", 9, Sha(9))), ErrorKind.Conflict, CaseErrors.ReportLocked);
        Assert.Contains("SellerImplementing", error.Detail, StringComparison.Ordinal);

        b.Upload("notes.txt"); // an unlocked name can still be replaced
        b.Upload("acceptance-v2.pdf"); // a new name is fine
        Assert.Equal(3, b.State.Reports.Count);
    }

    [Fact(DisplayName = "Recording the same upload twice is a no-op; another file under the same id is 409")]
    public void Same_report_id_twice()
    {
        var b = Open().ToSellerImplementing();
        var upload = new RecordReportUploaded(Seller, "report-1", "a.pdf", "application/pdf", 3, Sha(3));
        b.Do(upload);
        Assert.Empty(b.Try(upload).Events);
        Assert.False(b.Try(upload).IsRejected);
        Expect.Rejected(b.Try(upload with { Sha256 = Sha(5) }), ErrorKind.Conflict, CaseErrors.ReportDuplicateId);
    }

    [Theory(DisplayName = "An upload needs a file name, content type, sha256 and bytes (422)")]
    [InlineData("", "application/pdf", "abc", 1)]
    [InlineData("a.pdf", "", "abc", 1)]
    [InlineData("a.pdf", "application/pdf", " ", 1)]
    [InlineData("a.pdf", "application/pdf", "abc", 0)]
    public void Upload_validation(string fileName, string contentType, string sha, long size) =>
        Expect.Validation(Open().ToSellerImplementing().Try(new RecordReportUploaded(Seller, "r", fileName, contentType, size, sha)));

    [Fact(DisplayName = "Reports are uploaded at seller steps only (409 at a buyer step)")]
    public void Upload_only_at_seller_steps()
    {
        Expect.InvalidTransition(Open().Try(new RecordReportUploaded(Seller, "r", "a.pdf", "application/pdf", 1, Sha(1))), CaseState.AwaitingRequirement);
        Assert.False(Open().SubmitRequirement().Try(new RecordReportUploaded(Seller, "r", "a.pdf", "application/pdf", 1, Sha(1))).IsRejected);
    }

    [Fact(DisplayName = "A delivery may name several reports; duplicates collapse; all are locked")]
    public void Several_reports_in_one_delivery()
    {
        var b = Open().ToSellerImplementing();
        var a = b.Upload();
        var c = b.Upload();
        b.Do(new SubmitDelivery(Seller, [a, c, a]));
        Assert.Equal([a, c], b.State.Deliveries.Single().ReportIds);
        Assert.All(b.State.Reports, r => Assert.True(r.Locked));
    }
}

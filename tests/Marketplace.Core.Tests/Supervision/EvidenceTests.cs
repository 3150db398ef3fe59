using Marketplace.Core.Common;
using Marketplace.Core.Supervision;
using static Marketplace.Core.Tests.Supervision.CaseBuilder;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>Seed 001 / seed 003: an appeal carries the party's evidence, uploaded to the case beforehand.</summary>
public sealed class EvidenceTests
{
    private static string Sha(int n) => new((char)('a' + n), 64);

    [Fact(DisplayName = "Seed 003: a party uploads evidence; the timeline event carries its sha256 and the appeal references it")]
    public void Evidence_is_recorded_and_referenced_by_the_appeal()
    {
        var b = Open(options: new SupervisionOptions { AppealPolicy = AppealPolicy.AnyTime }).ToSellerImplementing();
        b.Do(new RecordEvidenceUploaded(Buyer, "ev-1", "chat-log.png", "image/png", 10, Sha(1)));

        var e = Assert.IsType<EvidenceUploaded>(Assert.Single(b.LastEvents));
        Assert.Contains(Sha(1), e.Reason, StringComparison.Ordinal);
        Assert.Equal(Buyer.Id, Assert.Single(b.State.Evidence).UploadedBy);

        b.Do(new OpenAppeal(Buyer, "ap-1", "The seller does not answer", null, ["ev-1"]));
        Assert.Equal(["ev-1"], b.State.Appeal!.EvidenceIds);
    }

    [Fact(DisplayName = "An appeal may not cite evidence that is unknown or was uploaded by the other party (422)")]
    public void Appeal_with_foreign_or_unknown_evidence_is_refused()
    {
        var b = Open(options: new SupervisionOptions { AppealPolicy = AppealPolicy.AnyTime }).ToSellerImplementing();
        b.Do(new RecordEvidenceUploaded(Seller, "ev-s", "log.pdf", "application/pdf", 10, Sha(2)));

        Expect.Rejected(b.Try(new OpenAppeal(Buyer, "ap-1", "reason", null, ["ev-s"])), ErrorKind.Invalid, "appeal.unknown-evidence");
        Expect.Rejected(b.Try(new OpenAppeal(Buyer, "ap-1", "reason", null, ["nope"])), ErrorKind.Invalid, "appeal.unknown-evidence");
        Assert.False(b.State.Frozen);
    }

    [Fact(DisplayName = "Seed 000: evidence uploads are party actions: refused while frozen, and not for ops")]
    public void Evidence_upload_guards()
    {
        var b = Open(options: new SupervisionOptions { AppealPolicy = AppealPolicy.AnyTime }).ToSellerImplementing();
        Expect.Rejected(b.Try(new RecordEvidenceUploaded(Ops, "ev-o", "x.pdf", "application/pdf", 10, Sha(3))), ErrorKind.Forbidden, "auth.forbidden");
        b.Appeal(Seller);
        Expect.Rejected(b.Try(new RecordEvidenceUploaded(Buyer, "ev-b", "x.pdf", "application/pdf", 10, Sha(3))), ErrorKind.Conflict, "case.frozen");
    }
}

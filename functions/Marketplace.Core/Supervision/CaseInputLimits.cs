using Marketplace.Core.Common;

namespace Marketplace.Core.Supervision;

/// <summary>
/// How much text and how many ids a party may put into a case. Everything a command carries ends up in the case's
/// snapshot and on its timeline, which live in storage rows of bounded size, so every field has a limit and a
/// command over it is refused (422 <c>validation.failed</c>) before anything is written.
/// </summary>
public static class CaseInputLimits
{
    public const int MaxRequirementText = 10_000;
    public const int MaxReason = 2_000;
    public const int MaxIds = 50;
    public const int MaxIdLength = 64;
    public const int MaxShippingField = 100;
    public const int MaxPhone = 32;

    /// <summary>The first limit the command breaks, or null.</summary>
    public static DomainError? Check(SupervisionCase? s, CaseCommand command) => command switch
    {
        SubmitRequirement c => Text(s, "the requirement text", c.Text, MaxRequirementText) ?? Ids(s, "attachmentIds", c.AttachmentIds),
        DecideRequirement c => Text(s, "the reason", c.Reason, MaxReason),
        Review c => Text(s, "the reason", c.Reason, MaxReason),
        DecideAcceptance c => Text(s, "the reason", c.Reason, MaxReason),
        ResolveAppeal c => Text(s, "the note", c.Note, MaxReason),
        OpenAppeal c => Text(s, "the reason", c.Reason, MaxReason) ?? Text(s, "the demands", c.Demands, MaxReason) ?? Ids(s, "evidenceIds", c.EvidenceIds),
        UploadProof c => Ids(s, "reportIds", c.ReportIds),
        SubmitDelivery c => Ids(s, "reportIds", c.ReportIds)
                            ?? Text(s, "the carrier", c.Logistics?.Carrier, MaxShippingField)
                            ?? Text(s, "the tracking number", c.Logistics?.TrackingNo, MaxShippingField)
                            ?? Text(s, "the recipient's phone", c.Logistics?.RecipientPhone, MaxPhone),
        RecordCourierSignOff c => Text(s, "the signer's phone", c.SignerPhone, MaxPhone),
        _ => null,
    };

    private static DomainError? Text(SupervisionCase? s, string what, string? text, int max) =>
        text is not null && text.Length > max ? CaseErrors.Invalid(s, $"{Capitalize(what)} is at most {max} characters.") : null;

    private static DomainError? Ids(SupervisionCase? s, string what, IReadOnlyList<string>? ids) =>
        ids is null ? null
        : ids.Count > MaxIds ? CaseErrors.Invalid(s, $"{what} holds at most {MaxIds} ids.")
        : ids.Any(id => id is null || id.Length > MaxIdLength) ? CaseErrors.Invalid(s, $"Each of {what} is an id of at most {MaxIdLength} characters.")
        : null;

    private static string Capitalize(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}

namespace Intake.Reports;

/// <summary>What a member sees of one report.</summary>
public sealed record ReportDetail(
    Guid Id, string Source, string ReporterName, string ReporterEmail, string? Subject, IReadOnlyList<string> Components,
    string Description, bool Encrypted, bool CreditWanted, string? CreditName, IReadOnlyList<string> CreditTypes,
    string? MessageId, DateTimeOffset ReceivedAt, Guid? CaseId, string Status,
    IReadOnlyList<AttachmentView> Attachments, IReadOnlyList<ReplyView> Replies);

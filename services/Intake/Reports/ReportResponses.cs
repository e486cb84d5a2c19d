namespace Intake.Reports;

public sealed record ReportAccepted(Guid Id, string ReporterToken);

/// <summary>What a reporter sees with their token: status and the team's replies.</summary>
public sealed record ReporterView(Guid Id, string Status, DateTimeOffset ReceivedAt, IReadOnlyList<ReplyView> Replies);

public sealed record ReplyView(string AuthorName, string Body, DateTimeOffset At);

/// <summary>What a member sees of one report.</summary>
public sealed record ReportDetail(
    Guid Id, string Source, string ReporterName, string ReporterEmail, string? Subject, IReadOnlyList<string> Components,
    string Description, bool Encrypted, bool CreditWanted, string? CreditName, IReadOnlyList<string> CreditTypes,
    string? MessageId, DateTimeOffset ReceivedAt, Guid? CaseId, string Status,
    IReadOnlyList<AttachmentView> Attachments, IReadOnlyList<ReplyView> Replies);

public sealed record AttachmentView(Guid Id, string? FileName, string ContentType, int Size, string ContentBase64);

/// <summary>A report in the members' list: no description.</summary>
public sealed record ReportSummary(Guid Id, string Source, string ReporterName, string? Subject, IReadOnlyList<string> Components,
    bool Encrypted, DateTimeOffset ReceivedAt, Guid? CaseId, string Status);

public sealed record ReplyRequest(string? Body);

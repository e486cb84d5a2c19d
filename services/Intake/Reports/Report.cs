namespace Intake.Reports;

/// <summary>A stored report (without attachments and raw message).</summary>
public sealed record Report(
    Guid Id,
    string Source,
    string ReporterName,
    string ReporterEmail,
    string? Subject,
    string[] Components,
    string Description,
    bool Encrypted,
    bool CreditWanted,
    string? CreditName,
    string[] CreditTypes,
    string? MessageId,
    DateTimeOffset ReceivedAt,
    Guid? CaseId);

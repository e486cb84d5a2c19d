namespace Intake.Reports;

/// <summary>Body of POST /reports. Description is plain text or an ASCII-armored OpenPGP message, kept exactly.</summary>
public sealed record ReportRequest(
    string? ReporterName,
    string? ReporterEmail,
    IReadOnlyList<string>? Components,
    string? Description,
    string? Subject = null,
    ReportCreditRequest? Credit = null);

namespace Intake.Reports;

/// <summary>A report in the members' list: no description.</summary>
public sealed record ReportSummary(Guid Id, string Source, string ReporterName, string? Subject, IReadOnlyList<string> Components,
    bool Encrypted, DateTimeOffset ReceivedAt, Guid? CaseId, string Status);

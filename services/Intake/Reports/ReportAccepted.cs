namespace Intake.Reports;

public sealed record ReportAccepted(Guid Id, string ReporterToken);

namespace Intake.Reports;

public sealed record ReportAttachment(Guid Id, Guid ReportId, string? FileName, string ContentType, byte[] Content);

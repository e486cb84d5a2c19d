namespace Intake.Reports;

/// <summary>A team reply the reporter can read with their reporter token.</summary>
public sealed record ReportReply(Guid Id, Guid ReportId, Guid AuthorId, string AuthorName, string Body, DateTimeOffset At);

namespace Intake.Cases;

public sealed record MergeReportsRequest(IReadOnlyList<Guid>? ReportIds);

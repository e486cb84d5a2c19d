namespace Intake.Cases;

public sealed record OpenCaseRequest(IReadOnlyList<Guid>? ReportIds, Guid? CoordinatorId);

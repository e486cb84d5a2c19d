namespace Intake.Cases;

public sealed record CaseResponse(Guid Id, string Status, Guid CoordinatorId, Guid OpenedBy, DateTimeOffset OpenedAt, int DraftRevision, IReadOnlyList<Guid> ReportIds);

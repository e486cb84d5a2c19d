namespace Coordination.Contracts.Cases;

public sealed record CaseOpened(Guid CaseId, Guid CoordinatorId, IReadOnlyList<Guid> ReportIds, DateTimeOffset OpenedAt);

namespace Coordination.Contracts.Cases;

public sealed record CoordinatorAssigned(Guid CaseId, Guid CoordinatorId, Guid AssignedBy, DateTimeOffset AssignedAt);

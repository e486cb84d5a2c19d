namespace Coordination.Contracts.Embargo;

public sealed record CaseWithdrawn(Guid CaseId, string Reason, Guid RequestedBy, DateTimeOffset WithdrawnAt);

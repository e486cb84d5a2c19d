namespace Coordination.Contracts.Embargo;

public sealed record ExtendEmbargo(Guid CaseId, DateTimeOffset NewDisclosureAt, string Reason, Guid RequestedBy, DateTimeOffset RequestedAt);

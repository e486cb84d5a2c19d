namespace Coordination.Contracts.Disclosure;

/// <summary>A member withdrew the public advisory (its records now say so, with the reason, which is public).
/// Version is the records' new version.</summary>
public sealed record AdvisoryWithdrawn(Guid CaseId, string AdvisoryId, int Version, string Reason, Guid WithdrawnBy, DateTimeOffset WithdrawnAt);

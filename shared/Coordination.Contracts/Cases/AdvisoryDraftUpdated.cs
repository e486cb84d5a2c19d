namespace Coordination.Contracts.Cases;

/// <summary>The whole draft at a revision (event-carried state).</summary>
public sealed record AdvisoryDraftUpdated(Guid CaseId, int Revision, Advisories.AdvisoryDraft Draft, Guid UpdatedBy, DateTimeOffset UpdatedAt);

using Coordination.Contracts.Advisories;

namespace Intake.Cases;

/// <summary>Revision is the one the edit was based on; a stale one is refused with 409.</summary>
public sealed record DraftEditRequest(int? Revision, AdvisoryDraft? Draft);

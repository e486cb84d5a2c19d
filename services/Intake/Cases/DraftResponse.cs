using Coordination.Contracts.Advisories;

namespace Intake.Cases;

public sealed record DraftResponse(int Revision, AdvisoryDraft Draft);

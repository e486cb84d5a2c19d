using System.Text.Json;
using Coordination.Contracts.Advisories;

namespace Intake.Cases;

public sealed record CaseResponse(Guid Id, string Status, Guid CoordinatorId, Guid OpenedBy, DateTimeOffset OpenedAt, int DraftRevision, IReadOnlyList<Guid> ReportIds);

public sealed record DraftResponse(int Revision, AdvisoryDraft Draft);

public sealed record RevisionResponse(int Revision);

public sealed record EmbargoAccepted(Guid CaseId, DateTimeOffset DisclosureAt, IReadOnlyList<string> Channels);

public sealed record TimelineEntry(DateTimeOffset At, Guid? ActorId, string ActorName, string Action, JsonElement Detail);

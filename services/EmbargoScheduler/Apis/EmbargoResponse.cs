using EmbargoScheduler.StateMachines;

namespace EmbargoScheduler.Apis;

/// <summary>GET /cases/{id}/embargo: where the case stands, the limits that apply, and what was extended or refused.</summary>
public sealed record EmbargoResponse(
    Guid CaseId,
    string State,
    DateTimeOffset? DisclosureAt,
    IReadOnlyList<string> Channels,
    DateTimeOffset? StartedAt,
    int? LatestRevision,
    EmbargoLimits Policy,
    IReadOnlyList<EmbargoExtension> Extensions,
    IReadOnlyList<EmbargoRefusal> Refusals,
    string? BreakReason,
    DateTimeOffset? BrokenAt,
    string? AdvisoryId,
    DateTimeOffset? PublishedAt);

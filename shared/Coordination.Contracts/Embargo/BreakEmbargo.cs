namespace Coordination.Contracts.Embargo;

/// <summary>The embargo leaked: disclose now.</summary>
public sealed record BreakEmbargo(Guid CaseId, string Reason, Guid RequestedBy, DateTimeOffset RequestedAt);

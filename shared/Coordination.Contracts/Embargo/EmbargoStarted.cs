namespace Coordination.Contracts.Embargo;

public sealed record EmbargoStarted(Guid CaseId, DateTimeOffset DisclosureAt, IReadOnlyList<string> Channels, DateTimeOffset StartedAt);

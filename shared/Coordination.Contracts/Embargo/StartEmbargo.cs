namespace Coordination.Contracts.Embargo;

/// <summary>Command to the embargo-scheduler. Channels such as "distros" or "default".</summary>
public sealed record StartEmbargo(Guid CaseId, DateTimeOffset DisclosureAt, IReadOnlyList<string> Channels, Guid RequestedBy, DateTimeOffset RequestedAt);

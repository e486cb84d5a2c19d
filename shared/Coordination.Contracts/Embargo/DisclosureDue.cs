namespace Coordination.Contracts.Embargo;

/// <summary>Scheduled by the saga at the disclosure instant (or sent at once when the embargo breaks).</summary>
public sealed record DisclosureDue(Guid CaseId, DateTimeOffset DisclosureAt);

namespace Coordination.Contracts.Advisories;

/// <summary>Exactly one of the members is set, as in OSV.</summary>
public sealed record RangeEvent(string? Introduced = null, string? Fixed = null, string? LastAffected = null, string? Limit = null);

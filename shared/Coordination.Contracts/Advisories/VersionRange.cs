namespace Coordination.Contracts.Advisories;

/// <summary>An OSV-style range: Type is SEMVER, ECOSYSTEM or GIT (GIT needs Repo).</summary>
public sealed record VersionRange(string Type, IReadOnlyList<RangeEvent> Events, string? Repo = null);

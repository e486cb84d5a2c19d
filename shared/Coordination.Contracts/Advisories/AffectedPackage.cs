namespace Coordination.Contracts.Advisories;

/// <summary>An affected package: OSV ecosystem name, PEP 503-normalised name for PyPI, purl without version.</summary>
public sealed record AffectedPackage(
    string Ecosystem,
    string Name,
    string Purl,
    IReadOnlyList<VersionRange> Ranges,
    IReadOnlyList<string>? Versions = null);

namespace Coordination.Advisories;

/// <summary>One metric of a CVSS version: its abbreviation, its values in the order messages list them, and whether a
/// complete vector must carry it.</summary>
public sealed record CvssMetric(string Name, string[] Values, bool Mandatory);

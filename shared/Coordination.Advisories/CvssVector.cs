namespace Coordination.Advisories;

/// <summary>
/// Checks a complete CVSS v3.1 or v4.0 vector: the version prefix, every mandatory base metric, only defined metrics
/// with defined values, no metric twice, and (v4.0, whose specification requires it) the specified order.
/// </summary>
public static class CvssVector
{
    /// <returns>null when valid, else the rule broken.</returns>
    public static string? Check(string? vector)
    {
        if (string.IsNullOrEmpty(vector)) return "is required";
        if (Cvss31.IsVector(vector)) return Cvss31.Check(vector);
        if (Cvss40.IsVector(vector)) return Cvss40.Check(vector);
        return "must start with CVSS:3.1/ or CVSS:4.0/";
    }

    /// <summary>"CVSS_V3" or "CVSS_V4" (OSV severity type) for a valid vector.</summary>
    public static string OsvType(string vector) => Cvss40.IsVector(vector) ? "CVSS_V4" : "CVSS_V3";

    /// <summary>The base score of a complete 3.1 or 4.0 vector (for 4.0 the "CVSS v4.0 score", taking threat and
    /// environmental metrics into account when given); null for anything else.</summary>
    public static decimal? Score(string? vector) =>
        Cvss31.TryParse(vector, out _) ? Cvss31.BaseScore(vector!)
        : Cvss40.TryParse(vector, out _) ? Cvss40.Score(vector!)
        : null;
}

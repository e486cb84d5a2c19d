namespace Coordination.Contracts.Advisories;

/// <summary>Rating is Low, Medium, High or Critical; CvssVector a complete CVSS v3.1 or v4.0 vector.</summary>
public sealed record Severity(string Rating, string CvssVector);

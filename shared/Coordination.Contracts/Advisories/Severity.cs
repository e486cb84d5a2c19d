namespace Coordination.Contracts.Advisories;

/// <summary>
/// Rating is None, Low, Medium, High or Critical, the one the vector computes (intake refuses another; a draft accepted
/// before may say otherwise, so records compute it); CvssVector a complete CVSS v3.1 or v4.0 vector.
/// </summary>
public sealed record Severity(string Rating, string CvssVector);

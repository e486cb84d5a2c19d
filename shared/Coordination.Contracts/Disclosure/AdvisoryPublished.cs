namespace Coordination.Contracts.Disclosure;

/// <summary>The advisory is public. Urls point at the OSV, CVE and CSAF records.</summary>
public sealed record AdvisoryPublished(Guid CaseId, string AdvisoryId, string? CveId, int Revision, DateTimeOffset PublishedAt, IReadOnlyList<string> Urls);

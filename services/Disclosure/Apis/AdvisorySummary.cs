namespace Disclosure.Apis;

/// <summary>One entry of GET /advisories.</summary>
public sealed record AdvisorySummary(
    string Id, string? CveId, string Title, DateTimeOffset Published, DateTimeOffset Modified, DateTimeOffset? Withdrawn,
    IReadOnlyList<string> Ecosystems, IReadOnlyList<string> Packages, AdvisoryLinks Links);

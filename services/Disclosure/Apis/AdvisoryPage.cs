namespace Disclosure.Apis;

/// <summary>A page of GET /advisories, newest first.</summary>
public sealed record AdvisoryPage(int Page, int PageSize, long Total, IReadOnlyList<AdvisorySummary> Items);

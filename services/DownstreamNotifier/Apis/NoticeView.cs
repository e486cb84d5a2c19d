using Coordination.Contracts.Advisories;

namespace DownstreamNotifier.Apis;

/// <summary>What a recipient sees behind their link. State: "embargoed" (until DisclosureAt), "broken" (disclosed early,
/// at DisclosureAt), "public", or "withdrawn" (no coordinated disclosure: DisclosureAt is null); EndedAt: when it ended.</summary>
public sealed record NoticeView(string Case, string? Title, string? Summary, IReadOnlyList<AffectedPackage> Affected, string? Remediation,
    DateTimeOffset? DisclosureAt, DateTimeOffset AcknowledgedAt, string? Status, string? Statement, DateTimeOffset LinkExpiresAt,
    string State = "embargoed", DateTimeOffset? EndedAt = null);

using Coordination.Contracts.Advisories;

namespace DownstreamNotifier.Apis;

/// <summary>What a recipient sees behind their link.</summary>
public sealed record NoticeView(string Case, string? Title, string? Summary, IReadOnlyList<AffectedPackage> Affected, string? Remediation,
    DateTimeOffset? DisclosureAt, DateTimeOffset AcknowledgedAt, string? Status, string? Statement, DateTimeOffset LinkExpiresAt);

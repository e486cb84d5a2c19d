using Coordination.Contracts.Advisories;

namespace DownstreamNotifier.Data;

/// <summary>One round of notices as recorded, with the draft as it was when the round began.</summary>
public sealed record NotificationRecord(Guid Id, Guid CaseId, string Kind, DateTimeOffset DisclosureAt, IReadOnlyList<string> Channels,
    string? Reason, string? AdvisoryId, IReadOnlyList<string> AdvisoryUrls, AdvisoryDraft? Draft);

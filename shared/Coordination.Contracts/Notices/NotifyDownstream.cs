namespace Coordination.Contracts.Notices;

/// <summary>Command to the downstream-notifier. Kind is one of <see cref="NoticeKinds"/>.
/// NotificationId identifies this round of notices (a redelivery carries the same one).
/// DraftRevision: the draft revision the sender knew of; the notifier records the round only once it has that revision
/// (or a newer one) of the draft (AdvisoryDraftUpdated travels on another queue). Null: whatever it has.</summary>
public sealed record NotifyDownstream(
    Guid CaseId,
    string Kind,
    Guid NotificationId,
    DateTimeOffset DisclosureAt,
    IReadOnlyList<string> Channels,
    string? Reason = null,
    string? AdvisoryId = null,
    IReadOnlyList<string>? AdvisoryUrls = null,
    int? DraftRevision = null);

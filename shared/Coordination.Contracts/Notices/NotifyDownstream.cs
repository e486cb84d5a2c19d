namespace Coordination.Contracts.Notices;

/// <summary>Command to the downstream-notifier. Kind is one of <see cref="NoticeKinds"/>.
/// NotificationId identifies this round of notices (a redelivery carries the same one).</summary>
public sealed record NotifyDownstream(
    Guid CaseId,
    string Kind,
    Guid NotificationId,
    DateTimeOffset DisclosureAt,
    IReadOnlyList<string> Channels,
    string? Reason = null,
    string? AdvisoryId = null,
    IReadOnlyList<string>? AdvisoryUrls = null);

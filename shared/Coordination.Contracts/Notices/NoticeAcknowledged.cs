namespace Coordination.Contracts.Notices;

/// <summary>Status as in VINCE: affected, not_affected, fixed, investigating.</summary>
public sealed record NoticeAcknowledged(Guid CaseId, Guid ContactId, string? Status, DateTimeOffset AcknowledgedAt);

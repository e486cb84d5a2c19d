namespace DownstreamNotifier.Tests.Support;

public sealed record CaseNotices(Guid CaseId, Dictionary<string, int> Counts, int Acknowledged, List<CaseNoticeRow> Notices);

public sealed record CaseNoticeRow(long NoticeId, Guid NotificationId, Guid ContactId, string Email, string Kind, string Mode, string[] Path,
    string State, int Attempts, string? LastError, string? ServerReply, DateTimeOffset? AcknowledgedAt, string? Status, string? Statement);

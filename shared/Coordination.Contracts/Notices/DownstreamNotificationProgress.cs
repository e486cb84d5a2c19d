namespace Coordination.Contracts.Notices;

public sealed record DownstreamNotificationProgress(Guid CaseId, string Kind, Guid NotificationId, int Total, int Sent, int Deferred, int Failed);

namespace Coordination.Contracts.Notices;

public sealed record DownstreamNotified(Guid CaseId, string Kind, Guid NotificationId, int Total, int Sent, int Failed, DateTimeOffset CompletedAt);

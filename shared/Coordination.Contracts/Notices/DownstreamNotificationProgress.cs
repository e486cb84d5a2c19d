namespace Coordination.Contracts.Notices;

/// <summary>A round's counts so far. Cancelled: notices not sent because the case was withdrawn meanwhile.</summary>
public sealed record DownstreamNotificationProgress(Guid CaseId, string Kind, Guid NotificationId, int Total, int Sent, int Deferred, int Failed,
    int Cancelled = 0);

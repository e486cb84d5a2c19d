namespace Coordination.Contracts.Notices;

/// <summary>
/// A round is done. Cancelled: its notices not sent because the case was withdrawn meanwhile (Total counts them).
/// Published again, with the new counts, when a member resent some of the round's failed notices and those are done.
/// </summary>
public sealed record DownstreamNotified(Guid CaseId, string Kind, Guid NotificationId, int Total, int Sent, int Failed, DateTimeOffset CompletedAt,
    int Cancelled = 0);

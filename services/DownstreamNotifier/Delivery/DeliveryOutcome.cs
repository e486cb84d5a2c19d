namespace DownstreamNotifier.Delivery;

/// <summary>What happened to one notice: State is sent, deferred or failed.</summary>
public sealed record DeliveryOutcome(long NoticeId, string State, int Attempts, DateTimeOffset NextAttemptAt, string? Error, string? ServerReply, DateTimeOffset? SentAt);

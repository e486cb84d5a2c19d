namespace DownstreamNotifier.Delivery;

/// <summary>
/// What happened to one notice: State is sent, deferred or failed. Email: the address it went to (the contact's
/// current one), when sent. Mode: set when it went in another mode than recorded (link-only for want of a usable key).
/// </summary>
public sealed record DeliveryOutcome(long NoticeId, string State, int Attempts, DateTimeOffset NextAttemptAt, string? Error, string? ServerReply,
    DateTimeOffset? SentAt, string? Email = null, string? Mode = null);

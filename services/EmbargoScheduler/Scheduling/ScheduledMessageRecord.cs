namespace EmbargoScheduler.Scheduling;

/// <summary>
/// A scheduled message as stored: everything needed to forward it exactly as it was sent. Priority orders messages
/// due at the same instant (0 first): the saga's own timers get 1, messages for other services 0.
/// </summary>
public sealed record ScheduledMessageRecord(
    Guid TokenId,
    string Destination,
    DateTimeOffset DueAt,
    string MessageTypes,
    string ContentType,
    string Body,
    string? Headers,
    Guid? MessageId,
    Guid? CorrelationId,
    Guid? ConversationId,
    Guid? InitiatorId,
    string? SourceAddress,
    short Priority = 0);

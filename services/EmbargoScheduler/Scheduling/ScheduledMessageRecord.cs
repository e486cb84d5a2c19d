namespace EmbargoScheduler.Scheduling;

/// <summary>A scheduled message as stored: everything needed to forward it exactly as it was sent.</summary>
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
    string? SourceAddress);

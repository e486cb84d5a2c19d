using MassTransit;
using MassTransit.Metadata;
using MassTransit.Serialization;

namespace EmbargoScheduler.Scheduling;

/// <summary>
/// The message context of a stored scheduled message (after MassTransit's Quartz JobDataMessageContext): its ids,
/// addresses and headers, plus the scheduling token header the saga matches a scheduled event against (the token it
/// was first armed with, also when it comes back as a consumer's redelivery: see ArmedTokenHeader).
/// </summary>
public sealed class StoredMessageContext : MessageContext
{
    public StoredMessageContext(ScheduledMessageRecord record, DateTimeOffset sentAt)
    {
        MessageId = record.MessageId;
        CorrelationId = record.CorrelationId;
        ConversationId = record.ConversationId;
        InitiatorId = record.InitiatorId;
        SourceAddress = record.SourceAddress is { Length: > 0 } s ? new Uri(s) : null;
        DestinationAddress = new Uri(record.Destination);

        var headers = new DictionarySendHeaders();
        foreach (var (key, value) in record.StoredHeaders()) headers.Set(key, value);
        var armedWith = headers.TryGetHeader(ArmedTokenHeader, out var stored) && Guid.TryParse(stored?.ToString(), out var first)
            ? first
            : record.TokenId;
        headers.Set(MessageHeaders.SchedulingTokenId, armedWith.ToString("D"));
        headers.Set(ArmedTokenHeader, armedWith.ToString("D"));
        headers.Set(ScheduledHeader, record.DueAt.ToString("O"));
        headers.Set(SentHeader, sentAt.ToString("O"));
        Headers = headers;
    }

    /// <summary>
    /// The token a message was first armed with. A consumer's redelivery (UseScheduledRedelivery) schedules the message
    /// again under a token of its own, and MassTransit's CopyContextPipe leaves the scheduling token header behind on
    /// purpose; a saga's timer (ReminderDue, DisclosureDue) coming back with the redelivery's token would be dropped
    /// as not current, and the reminder (or an old saga's publication) lost. This header is copied like any other,
    /// so the clock gives the redelivered message the token it was armed with.
    /// </summary>
    public const string ArmedTokenHeader = "Coordination-Armed-TokenId";

    /// <summary>When the message was due (Quartz names its header the same way).</summary>
    public const string ScheduledHeader = MessageHeaders.Quartz.Scheduled;

    /// <summary>When the clock forwarded it.</summary>
    public const string SentHeader = MessageHeaders.Quartz.Sent;

    public Guid? MessageId { get; }
    public Guid? RequestId => null;
    public Guid? CorrelationId { get; }
    public Guid? ConversationId { get; }
    public Guid? InitiatorId { get; }
    public DateTime? ExpirationTime => null;
    public Uri? SourceAddress { get; }
    public Uri? DestinationAddress { get; }
    public Uri? ResponseAddress => null;
    public Uri? FaultAddress => null;
    public DateTime? SentTime => null;
    public Headers Headers { get; }
    public HostInfo Host => HostMetadataCache.Host;
}

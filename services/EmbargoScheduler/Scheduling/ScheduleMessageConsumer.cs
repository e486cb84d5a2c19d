using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using MassTransit.Serialization;

namespace EmbargoScheduler.Scheduling;

/// <summary>
/// Stores a ScheduleMessage as MassTransit's Quartz and Hangfire integrations do: the payload serialized as the
/// envelope it will be sent in, its content type, message types and headers, keyed by the schedule token.
/// </summary>
public sealed partial class ScheduleMessageConsumer(ScheduledMessageStore store, ILogger<ScheduleMessageConsumer> logger)
    : IConsumer<ScheduleMessage>
{
    public async Task Consume(ConsumeContext<ScheduleMessage> context)
    {
        var message = context.Message;
        var body = context.SerializerContext.GetMessageSerializer(message.Payload, message.PayloadType)
            .GetMessageBody(new MessageSendContext<ScheduleMessage>(message));

        var record = new ScheduledMessageRecord(
            TokenId: message.CorrelationId,
            Destination: message.Destination.ToString(),
            DueAt: new DateTimeOffset(DateTime.SpecifyKind(message.ScheduledTime, DateTimeKind.Utc)),
            MessageTypes: string.Join(";", message.PayloadType),
            ContentType: context.ReceiveContext.ContentType.ToString(),
            Body: body.GetString(),
            Headers: ScheduledMessageRecord.SerializeHeaders(context.Headers),
            MessageId: context.MessageId,
            CorrelationId: context.CorrelationId,
            ConversationId: context.ConversationId,
            InitiatorId: context.InitiatorId,
            SourceAddress: context.SourceAddress?.ToString());

        await store.ArmAsync(record, context.CancellationToken);
        LogScheduled(message.CorrelationId, record.DueAt);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduled token {TokenId} due at {DueAt:O}")]
    private partial void LogScheduled(Guid tokenId, DateTimeOffset dueAt);
}

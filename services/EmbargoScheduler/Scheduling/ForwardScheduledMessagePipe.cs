using System.Net.Mime;
using MassTransit;

namespace EmbargoScheduler.Scheduling;

/// <summary>
/// Sends the stored envelope as it was scheduled (MassTransit's Quartz ScheduledMessageJob does the same): the
/// body is deserialized with the content type it was stored in and re-serialized with its original message types,
/// message id and headers, so the destination receives the message the scheduler was given.
/// </summary>
public sealed class ForwardScheduledMessagePipe(ScheduledMessageRecord record, StoredMessageContext messageContext) : IPipe<SendContext>
{
    public Task Send(SendContext context)
    {
        var deserializer = context.Serialization.GetMessageDeserializer(new ContentType(record.ContentType));
        var body = deserializer.GetMessageBody(record.Body);
        var serializerContext = deserializer.Deserialize(body, messageContext.Headers, messageContext.DestinationAddress);

        if (messageContext.MessageId.HasValue) context.MessageId = messageContext.MessageId;
        context.CorrelationId = messageContext.CorrelationId;
        context.ConversationId = messageContext.ConversationId;
        context.InitiatorId = messageContext.InitiatorId;
        context.SourceAddress = messageContext.SourceAddress;
        context.SupportedMessageTypes = record.MessageTypes.Split(';', StringSplitOptions.RemoveEmptyEntries);
        foreach (var header in messageContext.Headers.GetAll()) context.Headers.Set(header.Key, header.Value);

        context.Serializer = serializerContext.GetMessageSerializer();
        return Task.CompletedTask;
    }

    public void Probe(ProbeContext context)
    {
    }
}

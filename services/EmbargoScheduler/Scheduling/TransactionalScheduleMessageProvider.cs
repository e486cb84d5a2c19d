using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using MassTransit.Serialization;
using Npgsql;

namespace EmbargoScheduler.Scheduling;

/// <summary>
/// MassTransit's scheduling contract for the saga, written straight into the clock's table inside the saga's own
/// transaction (the service is its own scheduler, so the ScheduleMessage round trip through the broker is not needed).
/// A Schedule or Unschedule then commits or rolls back with the state change that made it: a message retried after a
/// crash leaves no stray timer behind, and a cancelled token cannot fire for a state that was never saved. The stored
/// row is what ScheduleMessageConsumer stores for the same message, so the poller forwards both alike.
/// </summary>
public sealed class TransactionalScheduleMessageProvider(NpgsqlTransaction tx, ConsumeContext consumeContext, TimeProvider time)
    : IScheduleMessageProvider
{
    public async Task<ScheduledMessage<T>> ScheduleSend<T>(Uri destinationAddress, DateTime scheduledTime, T message, IPipe<SendContext<T>> pipe,
        CancellationToken cancellationToken) where T : class
    {
        var inputAddress = consumeContext.ReceiveContext.InputAddress;
        var send = new MessageSendContext<T>(message, cancellationToken)
        {
            DestinationAddress = destinationAddress,
            SourceAddress = inputAddress,
            ConversationId = consumeContext.ConversationId,
            InitiatorId = consumeContext.MessageId,
        };
        await pipe.Send(send);

        var tokenId = ScheduleTokenIdCache<T>.GetTokenId(message);
        var dueAt = new DateTimeOffset(DateTime.SpecifyKind(scheduledTime, DateTimeKind.Utc));
        var record = new ScheduledMessageRecord(
            TokenId: tokenId,
            Destination: destinationAddress.ToString(),
            DueAt: dueAt,
            MessageTypes: string.Join(";", MessageTypeCache<T>.MessageTypeNames),
            ContentType: SystemTextJsonMessageSerializer.JsonContentType.ToString(),
            Body: SystemTextJsonMessageSerializer.Instance.GetMessageBody(send).GetString(),
            Headers: ScheduledMessageRecord.SerializeHeaders(send.Headers),
            MessageId: send.MessageId,
            CorrelationId: send.CorrelationId,
            ConversationId: send.ConversationId,
            InitiatorId: send.InitiatorId,
            SourceAddress: inputAddress.ToString(),
            Priority: destinationAddress == inputAddress ? (short)1 : (short)0); // the saga's own timer (Schedule sends to its input queue)

        await ScheduledMessageStore.ArmAsync(tx.Connection!, tx, record, cancellationToken);
        return new ArmedMessage<T>(tokenId, scheduledTime, destinationAddress, message);
    }

    public Task CancelScheduledSend(Guid tokenId, CancellationToken cancellationToken) =>
        ScheduledMessageStore.CancelAsync(tx.Connection!, tx, tokenId, time.GetUtcNow(), cancellationToken);

    public Task CancelScheduledSend(Uri destinationAddress, Guid tokenId, CancellationToken cancellationToken) =>
        CancelScheduledSend(tokenId, cancellationToken);

    /// <summary>
    /// Cancels a scheduled message in the consume's transaction and says whether it was still pending. The cancel
    /// locks the row, so it waits for a clock that is claiming it (FOR UPDATE SKIP LOCKED, marked sending in the
    /// clock's transaction) and then finds it sending or sent: false means the message has gone or is going out. A
    /// clock that comes after the cancel skips the locked row and, once this transaction commits, finds it cancelled. Without the transaction (another
    /// scheduler, e.g. MassTransit's test harness) the cancel is only requested, and taken as done.
    /// </summary>
    public static async Task<bool> CancelPendingAsync(ConsumeContext context, Uri destinationAddress, Guid tokenId, TimeProvider time)
    {
        if (context.TryGetPayload<NpgsqlTransaction>(out var tx))
            return await ScheduledMessageStore.CancelAsync(tx.Connection!, tx, tokenId, time.GetUtcNow(), context.CancellationToken);
        await context.GetPayload<MessageSchedulerContext>().CancelScheduledSend(destinationAddress, tokenId, context.CancellationToken);
        return true;
    }

    /// <summary>What the Schedule activity keeps: the token it later cancels by.</summary>
    private sealed record ArmedMessage<T>(Guid TokenId, DateTime ScheduledTime, Uri Destination, T Payload) : ScheduledMessage<T> where T : class;

    /// <summary>The scheduler payload a saga consume gets, bound to its transaction (see PostgresSagaOptions.TransactionPayloads).</summary>
    public static object SchedulerContextFor(ConsumeContext context, NpgsqlTransaction tx) =>
        new ConsumeMessageSchedulerContext(context, c => // made on first use only
            new MessageScheduler(new TransactionalScheduleMessageProvider(tx, c, TimeProvider.System), c.GetPayload<IBusTopology>()));
}

using MassTransit;
using MassTransit.Scheduling;

namespace EmbargoScheduler.Scheduling;

/// <summary>Cancels a scheduled message by its token; a cancelled token never fires, even if its schedule arrives later.</summary>
public sealed partial class CancelScheduledMessageConsumer(
    ScheduledMessageStore store, TimeProvider time, ILogger<CancelScheduledMessageConsumer> logger)
    : IConsumer<CancelScheduledMessage>
{
    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        var cancelled = await store.CancelAsync(context.Message.TokenId, time.GetUtcNow(), context.CancellationToken);
        LogCancelled(context.Message.TokenId, cancelled);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cancel of token {TokenId} recorded; it stopped a pending message: {Cancelled}")]
    private partial void LogCancelled(Guid tokenId, bool cancelled);
}

using MassTransit;

namespace EmbargoScheduler.Tests.Support;

/// <summary>Records every message of a type that reaches a test endpoint.</summary>
public sealed class RecordingConsumer<T>(Arrivals<T> arrivals) : IConsumer<T> where T : class
{
    public Task Consume(ConsumeContext<T> context)
    {
        arrivals.Add(new Arrival<T>(context.Message, DateTimeOffset.UtcNow, context.MessageId, context.GetSchedulingTokenId()));
        return Task.CompletedTask;
    }
}

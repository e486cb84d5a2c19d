using System.Collections.Concurrent;
using Coordination.Contracts.Embargo;
using MassTransit;

namespace EmbargoScheduler.Benchmarks;

/// <summary>
/// Notes when each DisclosureDue the clock forwards reaches the broker: its queue is bound to the saga's exchange, so it
/// receives a copy of what the clock sends there without taking anything from the service.
/// </summary>
public sealed class ClockTap(ConcurrentQueue<(Guid CaseId, DateTimeOffset DueAt, DateTimeOffset ReceivedAt)> forwarded) : IConsumer<DisclosureDue>
{
    public Task Consume(ConsumeContext<DisclosureDue> context)
    {
        forwarded.Enqueue((context.Message.CaseId, context.Message.DisclosureAt, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

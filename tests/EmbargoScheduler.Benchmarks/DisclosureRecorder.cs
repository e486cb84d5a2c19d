using System.Collections.Concurrent;
using Coordination.Contracts.Disclosure;
using MassTransit;

namespace EmbargoScheduler.Benchmarks;

/// <summary>Stands in for the disclosure service: notes when each PublishAdvisory arrives.</summary>
public sealed class DisclosureRecorder(ConcurrentQueue<(Guid CaseId, DateTimeOffset ReceivedAt)> arrivals) : IConsumer<PublishAdvisory>
{
    public Task Consume(ConsumeContext<PublishAdvisory> context)
    {
        arrivals.Enqueue((context.Message.CaseId, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

using Coordination.Hosting.Bus;
using MassTransit;

namespace EmbargoScheduler.Scheduling;

/// <summary>Both scheduling consumers serve the durable clock's queue, "scheduler".</summary>
public sealed class SchedulerConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    public SchedulerConsumerDefinition() => EndpointName = Queues.Scheduler;
}

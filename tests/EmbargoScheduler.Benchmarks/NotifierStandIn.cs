using Coordination.Contracts.Notices;
using MassTransit;

namespace EmbargoScheduler.Benchmarks;

/// <summary>
/// Stands in for the downstream notifier: its queue must exist (a command to a queue no service has declared is
/// returned by the broker and the saga's step fails); the notices themselves are not measured here.
/// </summary>
public sealed class NotifierStandIn : IConsumer<NotifyDownstream>
{
    public Task Consume(ConsumeContext<NotifyDownstream> context) => Task.CompletedTask;
}

using Coordination.Hosting.Bus;
using MassTransit;

namespace EmbargoScheduler.StateMachines;

/// <summary>The saga's endpoint is the service's command queue, "embargo-scheduler".</summary>
public sealed class CoordinationStateMachineDefinition : SagaDefinition<CoordinationState>
{
    public CoordinationStateMachineDefinition() => Endpoint(e => e.Name = Queues.EmbargoScheduler);
}

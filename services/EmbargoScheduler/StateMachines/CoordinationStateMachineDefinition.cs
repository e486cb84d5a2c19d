using Coordination.Hosting.Bus;
using MassTransit;

namespace EmbargoScheduler.StateMachines;

/// <summary>The saga's endpoint is the service's command queue, "embargo-scheduler".</summary>
public sealed class CoordinationStateMachineDefinition : SagaDefinition<CoordinationState>
{
    public CoordinationStateMachineDefinition() => Endpoint(e => e.Name = Queues.EmbargoScheduler);

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<CoordinationState> sagaConfigurator,
        IRegistrationContext context)
    {
        // A consume mostly waits (row lock, commit, publisher confirms): more in flight keeps many disclosures due in the
        // same second punctual. Different cases never wait on each other; one case's messages queue on its row lock.
        endpointConfigurator.ConcurrentMessageLimit = 32;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.PrefetchCount = 128;
    }
}

using Coordination.Hosting;
using EmbargoScheduler.Apis;
using EmbargoScheduler.Policy;
using EmbargoScheduler.Sagas;
using EmbargoScheduler.Scheduling;
using EmbargoScheduler.StateMachines;
using MassTransit;
using Microsoft.Extensions.Options;

namespace EmbargoScheduler;

/// <summary>All registrations of the embargo-scheduler service.</summary>
public static class EmbargoSchedulerExtensions
{
    public static readonly ServiceInfo Service = new("embargo-scheduler", "embargo");

    public const string SagaTable = "coordination_sagas";

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ScheduleMessageConsumer, SchedulerConsumerDefinition<ScheduleMessageConsumer>>();
        bus.AddConsumer<CancelScheduledMessageConsumer, SchedulerConsumerDefinition<CancelScheduledMessageConsumer>>();
        bus.AddSagaStateMachine<CoordinationStateMachine, CoordinationState, CoordinationStateMachineDefinition>()
            .PostgresRepository(SagaTable, s => s.CurrentState,
                o => o.TransactionPayloads.Add(TransactionalScheduleMessageProvider.SchedulerContextFor));
    }

    public static WebApplicationBuilder AddEmbargoScheduler(this WebApplicationBuilder builder)
    {
        builder.Services.AddEmbargoSchedulerServices();
        return builder;
    }

    /// <summary>What the service adds besides the bus (also used by tests that host the bus themselves).</summary>
    public static IServiceCollection AddEmbargoSchedulerServices(this IServiceCollection services)
    {
        services.AddValidatedOptions<EmbargoOptions>(EmbargoOptions.Section);
        services.AddSingleton(sp => new EmbargoPolicy(sp.GetRequiredService<IOptions<EmbargoOptions>>().Value));
        services.AddSingleton<ScheduledMessageStore>();
        services.AddHostedService<ScheduledMessagePoller>();
        return services;
    }

    public static WebApplication MapEmbargoSchedulerApis(this WebApplication app)
    {
        app.MapEmbargoApi();
        return app;
    }
}

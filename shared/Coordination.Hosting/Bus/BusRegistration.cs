using Coordination.Hosting.Auth;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Hosting.Bus;

public static class BusRegistration
{
    /// <summary>The embargo-scheduler's queue that stores ScheduleMessage/CancelScheduledMessage (the durable clock).</summary>
    public const string SchedulerQueue = "scheduler";

    /// <summary>
    /// Sent to the queue's exchange (every receive endpoint binds an exchange of its own name to its queue): a
    /// "queue:" address makes the sender declare the queue as a classic queue, which the broker refuses
    /// (PRECONDITION_FAILED, x-queue-type) once the owner has declared it as a quorum queue, or vice versa.
    /// </summary>
    public static readonly Uri SchedulerAddress = new("exchange:" + SchedulerQueue);

    /// <summary>
    /// The MassTransit RabbitMQ bus: endpoints named "{service}-{consumer}", quorum queues, publisher
    /// confirms, retries with backoff and then redeliveries ("RabbitMq:RedeliveryIntervals"), scheduling through the
    /// embargo-scheduler's durable clock.
    /// </summary>
    public static IServiceCollection AddCoordinationBus(
        this IServiceCollection services,
        ServiceInfo service,
        Action<IBusRegistrationConfigurator>? configure,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureRabbit)
    {
        services.TryAddSingleton<RevocationListSeen>();
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(service.Name, false));
            x.AddMessageScheduler(SchedulerAddress);
            x.AddConsumer<MemberAccessRevokedConsumer>();
            configure?.Invoke(x);

            x.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                var o = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit && o.QuorumQueues) rabbit.SetQuorumQueue();
                // Redelivery outside the immediate retries: a message still failing after them is handed to the durable
                // clock to come back later, instead of going to the _error queue for good (a revocation, a publication
                // at the instant). Not for the clock's own queue, which cannot hand a message to itself while it fails.
                var redeliveries = o.Redeliveries();
                if (name != SchedulerQueue && redeliveries.Length > 0) endpoint.UseScheduledRedelivery(r => r.Intervals(redeliveries));
                endpoint.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300)));
                // The clock's queue fails a message only when it cannot store it: the database is unavailable (a
                // failover, which is also why the other services' messages are handed to it). Through the _error queue
                // those would be lost for good (a publication due at its instant); the message waits for the database
                // instead, unacknowledged (the broker gives it back if this process dies meanwhile).
                if (name == SchedulerQueue)
                    endpoint.UseMessageRetry(r =>
                    {
                        r.Handle<NpgsqlException>(e => e.IsTransient);
                        r.Exponential(int.MaxValue, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
                    });
            });

            x.UsingRabbitMq((context, cfg) =>
            {
                var o = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                cfg.Host(o.Host, (ushort)o.Port, o.VirtualHost, h =>
                {
                    h.Username(o.Username);
                    h.Password(o.Password);
                    h.PublisherConfirmation = true;
                });
                cfg.PrefetchCount = o.PrefetchCount;
                cfg.ConcurrentMessageLimit = o.ConcurrentMessageLimit;
                cfg.UseMessageScheduler(SchedulerAddress);
                // A command sent to a service whose queue does not exist yet (that service has never started on this
                // broker) would be dropped by the exchange without a word; mandatory, the broker returns it and the
                // send fails (MessageReturnedException): the outbox keeps the row, the clock keeps the message, a
                // consumer retries. Events are published to whoever subscribes, possibly no one: not mandatory.
                cfg.ConfigurePublish(p => p.UseExecute(context => context.GetOrAddPayload(() => Published.Mark)));
                cfg.ConfigureSend(s => s.UseExecute(context =>
                {
                    if (!context.TryGetPayload<Published>(out _) && context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                        rabbit.Mandatory = true;
                }));
                configureRabbit?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        return services;
    }

    /// <summary>Marks a send that is a publish (a send context is also a PublishContext, so that cannot tell).</summary>
    private sealed class Published
    {
        public static readonly Published Mark = new();
    }
}

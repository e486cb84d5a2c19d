using Coordination.Hosting;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Coordination.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace EmbargoScheduler.Tests.Support;

/// <summary>
/// A bus built as every service builds its own (Hosting's AddCoordinationBus, quorum queues), standing in for the
/// other services: it publishes their events and listens on their queues.
/// </summary>
public static class TestBus
{
    public static Task<IHost> StartAsync(Isolation isolation, string name, Action<IBusRegistrationConfigurator> configure,
        Action<IServiceCollection>? services = null) => ServiceBusHost.StartAsync(isolation, name, configure, services);

    /// <summary>Listens on a queue as the service that owns it would, recording every T.</summary>
    public static void Record<T>(this IBusRegistrationConfigurator x, string queue) where T : class =>
        x.AddConsumer<RecordingConsumer<T>>().Endpoint(e => e.Name = queue);
}

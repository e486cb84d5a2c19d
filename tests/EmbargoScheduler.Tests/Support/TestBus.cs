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

    /// <summary>
    /// Stands in for a service this test does not look at: its queue exists (a command sent to a queue no service has
    /// declared is returned by the broker, and the sender fails), and every T that reaches it is accepted and dropped.
    /// </summary>
    public static void Accept<T>(this IBusRegistrationConfigurator x, string queue) where T : class =>
        x.AddConsumer<AcceptingConsumer<T>>().Endpoint(e => e.Name = queue);

    /// <summary>Listens on a queue as the service that owns it would, recording every T.</summary>
    public static void Record<T>(this IBusRegistrationConfigurator x, string queue) where T : class =>
        x.AddConsumer<RecordingConsumer<T>>().Endpoint(e => e.Name = queue);
}

/// <summary>Accepts every message of a type that reaches a stand-in's endpoint, and does nothing with it.</summary>
public sealed class AcceptingConsumer<T> : IConsumer<T> where T : class
{
    public Task Consume(ConsumeContext<T> context) => Task.CompletedTask;
}

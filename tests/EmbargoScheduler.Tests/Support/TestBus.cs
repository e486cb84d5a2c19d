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
    public static async Task<IHost> StartAsync(Isolation isolation, string name, Action<IBusRegistrationConfigurator> configure,
        Action<IServiceCollection>? services = null)
    {
        var service = new ServiceInfo(name, name.Replace('-', '_'));
        MigrationRunner.Apply(isolation.ConnectionString, service.Schema, typeof(ServiceInfo).Assembly);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(isolation.ServiceSettings().Select(kv =>
            KeyValuePair.Create(kv.Key.Replace("__", ":"), (string?)kv.Value)));
        builder.Services.AddValidatedOptions<RabbitMqOptions>(RabbitMqOptions.Section);
        builder.Services.AddSingleton(new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = service.Schema }.ConnectionString).Build());
        services?.Invoke(builder.Services);
        builder.Services.AddCoordinationBus(service, configure, null);
        // Start returns once the bus is connected and its queues and bindings exist: a message published
        // before that would reach no queue and be lost.
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Listens on a queue as the service that owns it would, recording every T.</summary>
    public static void Record<T>(this IBusRegistrationConfigurator x, string queue) where T : class =>
        x.AddConsumer<RecordingConsumer<T>>().Endpoint(e => e.Name = queue);
}

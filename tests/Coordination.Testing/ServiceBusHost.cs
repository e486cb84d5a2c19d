using Coordination.Hosting;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Coordination.Testing;

/// <summary>
/// A bus built exactly as every service builds its own (Hosting's AddCoordinationBus: quorum queues, endpoint
/// names, retries), in the test process, standing in for another service: it publishes that service's events
/// and listens on its queues.
/// </summary>
public static class ServiceBusHost
{
    // A broker that accepts no connection (its open-files limit used up, see deploy/local/rabbitmq.sh) left the
    // start waiting for ever, and the run with it; this fails the test instead, saying so.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task<IHost> StartAsync(Isolation isolation, string name, Action<IBusRegistrationConfigurator>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        var service = new ServiceInfo(name, name.Replace('-', '_'));
        MigrationRunner.Apply(isolation.ConnectionString, service.Schema, typeof(ServiceInfo).Assembly);
        var host = Build(isolation, service, configure, services);
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // Not disposed: a bus still trying to connect may not stop either; the test fails anyway.
            throw new TimeoutException($"the test bus {name} did not connect to the broker in {StartTimeout.TotalSeconds:F0} s " +
                "(is the broker accepting connections? its management page shows its file descriptors in use)");
        }
    }

    private static IHost Build(Isolation isolation, ServiceInfo service, Action<IBusRegistrationConfigurator>? configure, Action<IServiceCollection>? services)
    {
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
        return builder.Build();
    }
}

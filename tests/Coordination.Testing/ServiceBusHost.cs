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
    // Rarely, under a full suite's load, a bus's start never completed: no connection reached the broker, and the
    // test (then the whole run) hung with nothing on any thread. A start that takes this long is given up and tried
    // again with a host of its own, a few times, and then fails the test instead of hanging it.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const int StartAttempts = 3;

    public static async Task<IHost> StartAsync(Isolation isolation, string name, Action<IBusRegistrationConfigurator>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        var service = new ServiceInfo(name, name.Replace('-', '_'));
        MigrationRunner.Apply(isolation.ConnectionString, service.Schema, typeof(ServiceInfo).Assembly);
        for (var attempt = 1; ; attempt++)
        {
            var host = Build(isolation, service, configure, services);
            using var timeout = new CancellationTokenSource(StartTimeout);
            try
            {
                await host.StartAsync(timeout.Token);
                return host;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                await StopQuietlyAsync(host);
                if (attempt == StartAttempts)
                    throw new TimeoutException($"the test bus {name} did not start in {StartTimeout.TotalSeconds:F0} s, {StartAttempts} times");
                Console.Error.WriteLine($"the test bus {name} did not start in {StartTimeout.TotalSeconds:F0} s; starting it again");
            }
        }
    }

    /// <summary>Stops and disposes a host whose start was given up, waiting 10 s at most for each.</summary>
    private static async Task StopQuietlyAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StopAsync(timeout.Token);
            if (host is IAsyncDisposable disposable) await disposable.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
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

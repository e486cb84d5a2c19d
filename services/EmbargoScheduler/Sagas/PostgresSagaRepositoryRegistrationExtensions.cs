using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace EmbargoScheduler.Sagas;

public static class PostgresSagaRepositoryRegistrationExtensions
{
    /// <summary>Keeps the saga in a table of the service's schema (see PostgresSagaStore for its columns).</summary>
    public static ISagaRegistrationConfigurator<TSaga> PostgresRepository<TSaga>(
        this ISagaRegistrationConfigurator<TSaga> configurator, string table, Func<TSaga, string?> currentState,
        Action<PostgresSagaOptions<TSaga>>? configure = null)
        where TSaga : class, ISaga
    {
        var options = new PostgresSagaOptions<TSaga>(table, currentState);
        configure?.Invoke(options);
        configurator.Repository(x =>
        {
            x.TryAddSingleton(options);
            x.TryAddSingleton<PostgresSagaStore<TSaga>>();
            x.RegisterSagaRepository<TSaga, NpgsqlTransaction, SagaConsumeContextFactory<NpgsqlTransaction, TSaga>,
                PostgresSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }
}

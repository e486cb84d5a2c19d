using MassTransit;
using MassTransit.Saga;
using Npgsql;

namespace EmbargoScheduler.Sagas;

/// <summary>
/// MassTransit's saga repository contract on PostgreSQL (shaped like its Dapper integration's factory): each
/// consumed message gets one transaction; the saga row is inserted-if-absent or loaded FOR UPDATE in it, the state
/// machine runs, and the transaction commits after the machine's sends and publishes have gone to the broker.
/// Those sends are not part of the transaction: a crash after them and before the commit rolls the saga back and the
/// broker redelivers the message, so the machine runs again and sends again — at least once, never lost. Receivers
/// therefore deduplicate (message ids, notification ids derived from the triggering message, revision numbers).
/// </summary>
public sealed class PostgresSagaRepositoryContextFactory<TSaga>(
    PostgresSagaStore<TSaga> store,
    PostgresSagaOptions<TSaga> options,
    ISagaConsumeContextFactory<NpgsqlTransaction, TSaga> factory) : ISagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISaga
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next) where T : class
    {
        await using var conn = await store.DataSource.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await conn.BeginTransactionAsync(context.CancellationToken);
        var payloads = options.TransactionPayloads.Select(create => create(context, tx)).Prepend(tx).ToArray();
        var repositoryContext = new PostgresSagaRepositoryContext<TSaga, T>(store, tx, context, factory, payloads);
        await next.Send(repositoryContext);
        await tx.CommitAsync(context.CancellationToken);
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        throw new NotSupportedException("The PostgreSQL saga repository correlates by id only; query correlation is not supported.");

    public void Probe(ProbeContext context) => context.Add("persistence", "postgresql");
}

using Coordination.Hosting.Data;
using MassTransit;
using MassTransit.Saga;
using Npgsql;

namespace EmbargoScheduler.Sagas;

/// <summary>
/// MassTransit's saga repository contract on PostgreSQL (shaped like its Dapper integration's factory): each
/// consumed message gets one transaction; the saga row is inserted-if-absent or loaded FOR UPDATE in it, the state
/// machine runs, and the transaction commits. The machine's timers (TransactionalScheduleMessageProvider) and its sends
/// and publishes (SagaOutbox) are rows written in the same transaction, so they exist only if the state change does.
/// A crash before the commit rolls all of it back and the broker redelivers the message; the outbox may send a row
/// twice (a crash between its send and its delete), with the same message id, so receivers still deduplicate.
/// The saga deduplicates too: each message's id is recorded in the inbox (processed_messages) in the same transaction,
/// so a message redelivered after a crash between the commit and the broker's acknowledgement changes nothing. Handled
/// twice, a repeated StartEmbargo was refused as "already running", with a refusal on the timeline and an event.
/// </summary>
public sealed class PostgresSagaRepositoryContextFactory<TSaga>(
    PostgresSagaStore<TSaga> store,
    PostgresSagaOptions<TSaga> options,
    ISagaConsumeContextFactory<NpgsqlTransaction, TSaga> factory) : ISagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISaga
{
    private readonly string inboxConsumer = "saga-" + options.Table;

    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next) where T : class
    {
        await using var conn = await store.DataSource.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await conn.BeginTransactionAsync(context.CancellationToken);
        if (context.MessageId is { } messageId && !await Inbox.TryMarkProcessedAsync(conn, tx, inboxConsumer, messageId))
            return; // handled before: nothing to write; MassTransit's saga filter still counts it consumed (no _skipped)
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

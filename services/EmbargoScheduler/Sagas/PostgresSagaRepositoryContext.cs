using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Npgsql;

namespace EmbargoScheduler.Sagas;

/// <summary>
/// One consume's view of the saga table, inside that consume's transaction. The saga's consume context is made on
/// this scope, so the state machine sees its payloads (the transaction, and whatever PostgresSagaOptions adds).
/// </summary>
public sealed class PostgresSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    private readonly PostgresSagaStore<TSaga> store;
    private readonly NpgsqlTransaction tx;
    private readonly ISagaConsumeContextFactory<NpgsqlTransaction, TSaga> factory;

    public PostgresSagaRepositoryContext(PostgresSagaStore<TSaga> store, NpgsqlTransaction tx, ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<NpgsqlTransaction, TSaga> factory, object[] payloads)
        : base(consumeContext, payloads)
    {
        this.store = store;
        this.tx = tx;
        this.factory = factory;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> context, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        factory.CreateSagaConsumeContext(tx, context, instance, mode);

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        factory.CreateSagaConsumeContext(tx, this, instance, SagaConsumeContextMode.Add);

    /// <summary>Insert-if-absent: null when the row exists, so the pipe loads (and locks) it instead.</summary>
    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        if (!await store.InsertIfAbsentAsync(tx, instance, CancellationToken)) return null!;
        return await factory.CreateSagaConsumeContext(tx, this, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await store.LoadForUpdateAsync(tx, correlationId, CancellationToken);
        if (instance is null) return null!;
        return await factory.CreateSagaConsumeContext(tx, this, instance, SagaConsumeContextMode.Load);
    }

    /// <summary>A saga created by a missing-instance policy (no pre-insert): insert it now; a concurrent creator makes
    /// this fail and the message is retried, then finding the row.</summary>
    public async Task Save(SagaConsumeContext<TSaga> context)
    {
        if (!await store.InsertIfAbsentAsync(tx, context.Saga, CancellationToken))
            throw new SagaException("The saga was created concurrently; retrying", typeof(TSaga), typeof(TMessage), context.Saga.CorrelationId);
    }

    public Task Update(SagaConsumeContext<TSaga> context) => store.UpdateAsync(tx, context.Saga, CancellationToken);

    public Task Delete(SagaConsumeContext<TSaga> context) => store.DeleteAsync(tx, context.Saga, CancellationToken);

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context) => Task.CompletedTask;
}

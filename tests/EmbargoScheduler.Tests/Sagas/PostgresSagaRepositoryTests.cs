using System.Data;
using Coordination.Testing;
using Dapper;
using Coordination.Hosting;
using Coordination.Hosting.Data;
using EmbargoScheduler.Sagas;
using EmbargoScheduler.Scheduling;
using EmbargoScheduler.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace EmbargoScheduler.Tests.Sagas;

public sealed class PostgresSagaRepositoryTests
{
    private const string Schema = "saga_test";
    private const string CreateTable = """
        CREATE SCHEMA IF NOT EXISTS saga_test;
        CREATE TABLE IF NOT EXISTS saga_test.counter_sagas (
            correlation_id uuid PRIMARY KEY, current_state text NULL, version integer NOT NULL DEFAULT 0,
            body jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
        """;

    private static async Task<NpgsqlDataSource> PrepareAsync(Isolation isolation)
    {
        await using (var conn = new NpgsqlConnection(isolation.ConnectionString))
            await conn.ExecuteAsync(CreateTable);
        return new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = Schema }.ConnectionString).Build();
    }

    private static Task<IHost> StartInstanceAsync(Isolation isolation) =>
        TestBus.StartAsync(isolation, "saga-test", x => x.AddSagaStateMachine<CounterStateMachine, CounterState>()
            .PostgresRepository("counter_sagas", s => s.CurrentState,
                o => o.TransactionPayloads.Add(TransactionalScheduleMessageProvider.SchedulerContextFor))
            .Endpoint(e => e.Name = "counter"));

    [Fact]
    public async Task A_message_scheduled_by_a_consume_that_fails_is_rolled_back_with_it()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("saga");
        await using var dataSource = await PrepareAsync(isolation);
        MigrationRunner.Apply(isolation.ConnectionString, EmbargoSchedulerExtensions.Service.Schema,
            typeof(ServiceInfo).Assembly, typeof(EmbargoSchedulerExtensions).Assembly);
        await using (var conn = await dataSource.OpenConnectionAsync())
            await conn.ExecuteAsync("CREATE TABLE scheduled_messages (LIKE embargo.scheduled_messages INCLUDING ALL)");
        using var host = await StartInstanceAsync(isolation);
        var bus = host.Services.GetRequiredService<IBus>();
        var (committed, failed) = (NewId.NextGuid(), NewId.NextGuid());
        foreach (var id in new[] { committed, failed }) await bus.Publish(new Increment(id, 1));
        var store = new PostgresSagaStore<CounterState>(dataSource, new PostgresSagaOptions<CounterState>("counter_sagas", s => s.CurrentState));
        for (var i = 0; i < 100 && (await store.LoadAsync(failed, CancellationToken.None))?.Count != 1; i++) await Task.Delay(100);

        await bus.Publish(new ScheduleReminder(committed, FailAfterScheduling: false));
        await bus.Publish(new ScheduleReminder(failed, FailAfterScheduling: true));

        await using var db = await dataSource.OpenConnectionAsync();
        Task<long> Armed(Guid id) => db.ExecuteScalarAsync<long>("SELECT count(*) FROM scheduled_messages WHERE body LIKE '%' || @Id || '%'", new { Id = id.ToString() });
        for (var i = 0; i < 100 && await Armed(committed) == 0; i++) await Task.Delay(100);
        await Task.Delay(2000); // the failing consume has been tried (and retried) meanwhile
        Assert.Equal(1, await Armed(committed));
        Assert.Equal(0, await Armed(failed));
        Assert.Equal(1, (await store.LoadAsync(failed, CancellationToken.None))!.Count); // its state change was rolled back too
        var row = await db.QuerySingleAsync<(string Destination, short Priority)>("SELECT destination, priority FROM scheduled_messages");
        Assert.Equal((CounterStateMachine.Elsewhere.ToString(), (short)0), row);
        await host.StopAsync();
    }

    [Fact]
    public async Task Concurrent_events_for_one_saga_on_two_instances_lose_no_update()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("saga");
        await using var dataSource = await PrepareAsync(isolation);
        using var first = await StartInstanceAsync(isolation);
        using var second = await StartInstanceAsync(isolation);

        var counterId = NewId.NextGuid();
        var bus = first.Services.GetRequiredService<IBus>();
        await Task.WhenAll(Enumerable.Range(1, 200).Select(n => bus.Publish(new Increment(counterId, n))));

        var store = new PostgresSagaStore<CounterState>(dataSource, new PostgresSagaOptions<CounterState>("counter_sagas", s => s.CurrentState));
        CounterState? saga = null;
        for (var i = 0; i < 300 && saga?.Count != 200; i++)
        {
            await Task.Delay(100);
            saga = await store.LoadAsync(counterId, CancellationToken.None);
        }
        Assert.NotNull(saga);
        Assert.Equal(200, saga.Count);
        Assert.Equal(Enumerable.Range(1, 200), saga.Seen.Order());
        Assert.Equal(200, saga.Version);
        Assert.Equal("Counting", saga.CurrentState);
        await first.StopAsync();
        await second.StopAsync();
    }

    [Fact]
    public async Task A_message_delivered_again_after_its_commit_changes_nothing_and_is_not_skipped()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("saga");
        await using var dataSource = await PrepareAsync(isolation);
        using var host = await StartInstanceAsync(isolation);
        var bus = host.Services.GetRequiredService<IBus>();
        var counterId = NewId.NextGuid();
        var repeated = NewId.NextGuid();

        // As the broker redelivers a message whose consume committed but whose acknowledgement was lost to a crash.
        await bus.Publish(new Increment(counterId, 1), c => c.MessageId = repeated);
        await bus.Publish(new Increment(counterId, 1), c => c.MessageId = repeated);
        await bus.Publish(new Increment(counterId, 2));

        var store = new PostgresSagaStore<CounterState>(dataSource, new PostgresSagaOptions<CounterState>("counter_sagas", s => s.CurrentState));
        await using var db = await dataSource.OpenConnectionAsync();
        Task<long> Recorded() => db.ExecuteScalarAsync<long>("SELECT count(*) FROM processed_messages WHERE consumer = 'saga-counter_sagas'");
        CounterState? saga = null;
        for (var i = 0; i < 300 && (saga?.Seen.Contains(2) != true || await Recorded() < 2); i++)
        {
            await Task.Delay(100);
            saga = await store.LoadAsync(counterId, CancellationToken.None);
        }
        await Task.Delay(1000); // the repeated delivery, had it been handled after the others
        saga = await store.LoadAsync(counterId, CancellationToken.None);
        Assert.NotNull(saga);
        Assert.Equal([1, 2], saga.Seen.Order());
        Assert.Equal(2, saga.Count);
        Assert.Equal(2, await Recorded());
        Assert.False(await TestInfrastructure.QueueExistsAsync(isolation.VirtualHost, "counter_skipped"), "the repeated message was moved to counter_skipped");
        await host.StopAsync();
    }

    [Fact]
    public async Task Insert_if_absent_inserts_once_and_a_locked_row_waits_for_its_holder()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("saga");
        await using var dataSource = await PrepareAsync(isolation);
        var store = new PostgresSagaStore<CounterState>(dataSource, new PostgresSagaOptions<CounterState>("counter_sagas", s => s.CurrentState));
        var id = NewId.NextGuid();

        await using var holder = await dataSource.OpenConnectionAsync();
        await using var holderTx = await holder.BeginTransactionAsync();
        Assert.True(await store.InsertIfAbsentAsync(holderTx, new CounterState { CorrelationId = id }, CancellationToken.None));
        var loaded = (await store.LoadForUpdateAsync(holderTx, id, CancellationToken.None))!;

        await using var other = await dataSource.OpenConnectionAsync();
        await using var otherTx = await other.BeginTransactionAsync();
        var insertAgain = store.InsertIfAbsentAsync(otherTx, new CounterState { CorrelationId = id }, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(insertAgain.IsCompleted, "a second insert must wait for the first writer");

        loaded.Count = 7;
        await store.UpdateAsync(holderTx, loaded, CancellationToken.None);
        await holderTx.CommitAsync();

        Assert.False(await insertAgain);
        var seen = (await store.LoadForUpdateAsync(otherTx, id, CancellationToken.None))!;
        Assert.Equal((7, 1), (seen.Count, seen.Version));
    }

    [Fact]
    public async Task An_update_from_a_stale_version_is_refused()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("saga");
        await using var dataSource = await PrepareAsync(isolation);
        var store = new PostgresSagaStore<CounterState>(dataSource, new PostgresSagaOptions<CounterState>("counter_sagas", s => s.CurrentState));
        var id = NewId.NextGuid();
        await using var conn = await dataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await store.InsertIfAbsentAsync(tx, new CounterState { CorrelationId = id }, CancellationToken.None);
        var current = (await store.LoadForUpdateAsync(tx, id, CancellationToken.None))!;
        await store.UpdateAsync(tx, current, CancellationToken.None);

        var stale = new CounterState { CorrelationId = id, Version = 0 };
        await Assert.ThrowsAsync<DBConcurrencyException>(() => store.UpdateAsync(tx, stale, CancellationToken.None));
    }
}

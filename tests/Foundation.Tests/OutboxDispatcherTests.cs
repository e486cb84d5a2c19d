using System.Collections.Concurrent;
using Coordination.Contracts.Members;
using Coordination.Hosting;
using Coordination.Hosting.Data;
using Coordination.Testing;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Foundation.Tests;

/// <summary>A row that cannot be made into a message is set aside; the rows around it go out once each.</summary>
public sealed class OutboxDispatcherTests
{
    private const string Secret = "EMBARGOED-DETAIL-6f1c";

    [Fact]
    public async Task Unreadable_rows_are_set_aside_and_the_good_rows_around_them_are_delivered_exactly_once()
    {
        await using var f = await Fixture.StartAsync();
        var first = Guid.NewGuid();
        var last = Guid.NewGuid();
        await using (var conn = await f.Data.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await Outbox.PublishAsync(conn, tx, Joined("first"), first);
            await InsertRawAsync(conn, tx, "Coordination.Contracts.Members.MemberRenamed, Coordination.Contracts", null, $$"""{"name":"{{Secret}}"}""");
            await InsertRawAsync(conn, tx, typeof(MemberJoined).AssemblyQualifiedName!, null, $$"""["{{Secret}}"]""");
            await InsertRawAsync(conn, tx, typeof(MemberJoined).AssemblyQualifiedName!, "not an address", Body(Joined(Secret)));
            await InsertRawAsync(conn, tx, typeof(MemberJoined).AssemblyQualifiedName!, "smtp:nowhere", Body(Joined(Secret)));
            await Outbox.PublishAsync(conn, tx, Joined("last"), last);
            await tx.CommitAsync();
        }

        await f.DispatchAndAssertDeliveredOnceAsync(first, last);
        await using var check = await f.Data.OpenConnectionAsync();
        var left = (await check.QueryAsync<(long Id, DateTime? FailedAt, string? Error)>(
            "SELECT id, failed_at, error FROM outbox_messages ORDER BY id")).ToList();
        Assert.Equal(4, left.Count);
        Assert.All(left, r => Assert.NotNull(r.FailedAt));
        Assert.StartsWith("TypeLoadException", left[0].Error);
        Assert.StartsWith("JsonException", left[1].Error);
        Assert.StartsWith("UriFormatException", left[2].Error);
        Assert.StartsWith("ArgumentException", left[3].Error);
        Assert.Equal(4, f.Log.Count(l => l.Contains("set aside")));
        Assert.All(left, r => Assert.Contains(f.Log, l => l.Contains($"row {r.Id} ")));
        Assert.DoesNotContain(f.Log, l => l.Contains(Secret));
        Assert.Equal(0, await f.Dispatcher.DispatchBatchAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_set_aside_row_is_offered_again_when_an_instance_starts_or_a_while_later(bool restart)
    {
        await using var f = await Fixture.StartAsync();
        var later = Guid.NewGuid();
        await using (var conn = await f.Data.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await InsertRawAsync(conn, tx, "Coordination.Contracts.Members.MemberJoinedV2, Coordination.Contracts", null, Body(Joined("later")), later);
            await tx.CommitAsync();
        }
        Assert.Equal(1, await f.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        Assert.Equal(0, await f.Dispatcher.DispatchBatchAsync(CancellationToken.None));

        // The version that knows the type starts, or has been running while an old one set the row aside.
        await using (var conn = await f.Data.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE outbox_messages SET message_type = @Type", new { Type = typeof(MemberJoined).AssemblyQualifiedName });
        if (restart) Assert.Equal(1, await f.Dispatcher.OfferSetAsideAgainAsync(CancellationToken.None));
        else
        {
            Assert.Equal(0, await f.Dispatcher.DispatchBatchAsync(CancellationToken.None)); // not yet
            await using var conn = await f.Data.OpenConnectionAsync();
            await conn.ExecuteAsync("UPDATE outbox_messages SET failed_at = now() - @Ago", new { Ago = OutboxDispatcher.SetAsideRetry + TimeSpan.FromSeconds(1) });
        }
        Assert.Equal(1, await f.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        await f.WaitForDeliveriesAsync(later);
    }

    [Fact]
    public async Task A_command_to_a_queue_that_does_not_exist_yet_waits_for_it_without_holding_back_the_rows_behind_it()
    {
        await using var f = await Fixture.StartAsync();
        var queue = $"outbox-late-{Guid.NewGuid():N}";
        var (command, after) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var conn = await f.Data.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await Outbox.SendAsync(conn, tx, "exchange:" + queue, Joined(Secret), command);
            await Outbox.PublishAsync(conn, tx, Joined("after"), after);
            await tx.CommitAsync();
        }

        Assert.Equal(2, await f.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        await f.WaitForDeliveriesAsync(after);
        await using (var check = await f.Data.OpenConnectionAsync())
        {
            var kept = await check.QuerySingleAsync<(Guid MessageId, DateTime? RetryAt, DateTime? FailedAt, string Error)>(
                "SELECT message_id, retry_at, failed_at, error FROM outbox_messages");
            Assert.Equal(command, kept.MessageId);
            Assert.NotNull(kept.RetryAt);
            Assert.Null(kept.FailedAt);
            Assert.Contains(queue, kept.Error);
        }
        Assert.Equal(0, await f.Dispatcher.DispatchBatchAsync(CancellationToken.None)); // not due again yet
        Assert.Contains(f.Log, l => l.Contains("no queue is bound to exchange:" + queue));
        Assert.DoesNotContain(f.Log, l => l.Contains(Secret));

        // The service owning the queue starts; the row is due again.
        var connector = f.Host.Services.GetRequiredService<IReceiveEndpointConnector>();
        var handle = connector.ConnectReceiveEndpoint(queue, (context, e) => e.ConfigureConsumer<JoinedCounter>(context));
        await handle.Ready;
        await using (var conn = await f.Data.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE outbox_messages SET retry_at = now()");
        Assert.Equal(1, await f.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        await f.WaitForDeliveriesAsync(command);
        await Task.Delay(1000);
        Assert.Equal(1, Deliveries.GetValueOrDefault(command));
        await using var empty = await f.Data.OpenConnectionAsync();
        Assert.Equal(0, await empty.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
    }

    [Fact]
    public async Task A_row_that_fails_to_publish_waits_without_the_rows_before_it_going_again_or_those_after_it_held_back()
    {
        await using var f = await Fixture.StartAsync();
        var (first, last) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var conn = await f.Data.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await Outbox.PublishAsync(conn, tx, Joined("first"), first);
            // Reads as a message, but the bus refuses to publish it (a type of the System namespace), every time.
            await InsertRawAsync(conn, tx, typeof(List<string>).AssemblyQualifiedName!, null, $$"""["{{Secret}}"]""");
            await Outbox.PublishAsync(conn, tx, Joined("last"), last);
            await tx.CommitAsync();
        }

        await f.DispatchAndAssertDeliveredOnceAsync(first, last);
        await using var check = await f.Data.OpenConnectionAsync();
        var kept = await check.QuerySingleAsync<(DateTime? RetryAt, DateTime? FailedAt, string Error)>("SELECT retry_at, failed_at, error FROM outbox_messages");
        Assert.NotNull(kept.RetryAt);
        Assert.Null(kept.FailedAt);
        Assert.StartsWith("ArgumentException", kept.Error);
        Assert.Contains(f.Log, l => l.Contains("could not be published"));
        Assert.DoesNotContain(f.Log, l => l.Contains(Secret));
        Assert.DoesNotContain(Secret, kept.Error);
    }

    private static MemberJoined Joined(string name) => new(Guid.NewGuid(), name, name, "member", DateTimeOffset.UtcNow);

    private static string Body(object message) => System.Text.Json.JsonSerializer.Serialize(message, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));

    private static Task InsertRawAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string type, string? destination, string body, Guid? id = null) =>
        conn.ExecuteAsync("INSERT INTO outbox_messages (message_id, message_type, destination, body) VALUES (@Id, @Type, @Destination, @Body::jsonb)",
            new { Id = id ?? Guid.NewGuid(), Type = type, Destination = destination, Body = body }, tx);

    private static readonly ConcurrentDictionary<Guid, int> Deliveries = new();

    public sealed class JoinedCounter : IConsumer<MemberJoined>
    {
        public Task Consume(ConsumeContext<MemberJoined> context)
        {
            Deliveries.AddOrUpdate(context.MessageId!.Value, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }
    }

    private sealed class Fixture(IHost host, NpgsqlDataSource data, OutboxDispatcher dispatcher, ConcurrentQueue<string> log) : IAsyncDisposable
    {
        public IHost Host => host;
        public NpgsqlDataSource Data => data;
        public OutboxDispatcher Dispatcher => dispatcher;
        public ConcurrentQueue<string> Log => log;

        public static async Task<Fixture> StartAsync()
        {
            var isolation = await TestInfrastructure.CreateIsolationAsync("outbox");
            var host = await ServiceBusHost.StartAsync(isolation, "outbox-test", x => x.AddConsumer<JoinedCounter>());
            var data = host.Services.GetRequiredService<NpgsqlDataSource>();
            var log = new ConcurrentQueue<string>();
            var dispatcher = new OutboxDispatcher(data, host.Services.GetRequiredService<IBus>(), new ListLogger(log));
            return new Fixture(host, data, dispatcher, log);
        }

        /// <summary>Dispatches a few batches; each of <paramref name="ids"/> arrives, and only once.</summary>
        public async Task DispatchAndAssertDeliveredOnceAsync(params Guid[] ids)
        {
            for (var i = 0; i < 3; i++) await dispatcher.DispatchBatchAsync(CancellationToken.None);
            await WaitForDeliveriesAsync(ids);
            await Task.Delay(1000); // a second delivery would arrive as fast as the first
            Assert.All(ids, id => Assert.Equal(1, Deliveries.GetValueOrDefault(id)));
        }

        public async Task WaitForDeliveriesAsync(params Guid[] ids)
        {
            for (var i = 0; i < 100 && !ids.All(Deliveries.ContainsKey); i++) await Task.Delay(100);
            Assert.All(ids, id => Assert.True(Deliveries.ContainsKey(id), $"message {id} never arrived"));
        }

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private sealed class ListLogger(ConcurrentQueue<string> lines) : ILogger<OutboxDispatcher>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? e, Func<TState, Exception?, string> format) =>
            lines.Enqueue(format(state, e) + (e is null ? "" : " " + e));
    }
}

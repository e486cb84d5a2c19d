using Coordination.Hosting;
using Coordination.Hosting.Data;
using Coordination.Testing;
using EmbargoScheduler.Scheduling;
using EmbargoScheduler.Tests.Support;
using Npgsql;

namespace EmbargoScheduler.Tests.Scheduling;

public sealed class ClockRetentionTests
{
    [Fact]
    public async Task The_purge_removes_only_sent_and_cancelled_messages_older_than_the_retention()
    {
        var (isolation, dataSource) = await ClockDatabaseAsync();
        await using var _ = dataSource;
        var store = new ScheduledMessageStore(dataSource);
        var now = DateTimeOffset.UtcNow;

        var oldSent = await Arm(store, now.AddDays(-40));
        var recentSent = await Arm(store, now.AddDays(-1));
        var oldPending = await Arm(store, now.AddDays(-40)); // overdue but never sent (e.g. the service was down): kept
        var oldSending = await Arm(store, now.AddDays(-40)); // claimed, its forward failing for long: kept
        var oldCancelled = NewToken();
        await store.CancelAsync(oldCancelled, now.AddDays(-40), CancellationToken.None);
        await using (var conn = await dataSource.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await ScheduledMessageStore.MarkSentAsync(conn, tx, [oldSent], now.AddDays(-40), CancellationToken.None);
            await ScheduledMessageStore.MarkSentAsync(conn, tx, [recentSent], now.AddDays(-1), CancellationToken.None);
            await tx.CommitAsync();
        }
        var db = new EmbargoDatabase(isolation);
        await db.ScalarAsync<int>("UPDATE scheduled_messages SET created_at = now() - interval '40 days' WHERE token_id = @T", new { T = oldCancelled });
        await db.ScalarAsync<int>("UPDATE scheduled_messages SET state = 'sending' WHERE token_id = @T", new { T = oldSending });

        Assert.Equal(2, await store.PurgeAsync(now.AddDays(-30), CancellationToken.None));
        var left = (await db.ScalarAsync<string>("SELECT string_agg(token_id::text, ',' ORDER BY token_id) FROM scheduled_messages")).Split(',');
        Assert.Equal(new[] { recentSent, oldPending, oldSending }.Select(t => t.ToString()).Order(), left.Order());
    }

    [Fact]
    public async Task A_cancel_is_true_only_for_a_pending_message_and_an_unknown_token_stays_cancelled()
    {
        var (isolation, dataSource) = await ClockDatabaseAsync();
        await using var _ = dataSource;
        var store = new ScheduledMessageStore(dataSource);
        var now = DateTimeOffset.UtcNow;

        var pending = await Arm(store, now.AddHours(1));
        Assert.True(await store.CancelAsync(pending, now, CancellationToken.None));
        Assert.False(await store.CancelAsync(pending, now, CancellationToken.None)); // already cancelled

        // Unknown: never scheduled here, or sent and purged long ago (a saga must not read it as "stopped in time").
        var unknown = NewToken();
        Assert.False(await store.CancelAsync(unknown, now, CancellationToken.None));
        await store.ArmAsync(new ScheduledMessageRecord(unknown, "exchange:elsewhere", now.AddHours(1), "urn:message:X", "application/vnd.masstransit+json", "{}",
            null, Guid.NewGuid(), null, null, null, null), CancellationToken.None); // the ScheduleMessage its cancel overtook
        var db = new EmbargoDatabase(isolation);
        Assert.Equal("cancelled", await db.ScalarAsync<string>("SELECT state FROM scheduled_messages WHERE token_id = @T", new { T = unknown }));
    }

    private static Guid NewToken() => Guid.NewGuid();

    private static async Task<(Isolation Isolation, NpgsqlDataSource DataSource)> ClockDatabaseAsync()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("clock");
        MigrationRunner.Apply(isolation.ConnectionString, EmbargoSchedulerExtensions.Service.Schema,
            typeof(ServiceInfo).Assembly, typeof(EmbargoSchedulerExtensions).Assembly);
        return (isolation, new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = EmbargoSchedulerExtensions.Service.Schema }.ConnectionString).Build());
    }

    private static async Task<Guid> Arm(ScheduledMessageStore store, DateTimeOffset dueAt)
    {
        var token = NewToken();
        await store.ArmAsync(new ScheduledMessageRecord(token, "exchange:elsewhere", dueAt, "urn:message:X", "application/vnd.masstransit+json", "{}",
            null, Guid.NewGuid(), null, null, null, null), CancellationToken.None);
        return token;
    }
}

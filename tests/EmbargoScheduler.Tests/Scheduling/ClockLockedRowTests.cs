using Coordination.Contracts.Members;
using Coordination.Hosting;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Coordination.Testing;
using Dapper;
using EmbargoScheduler.Policy;
using EmbargoScheduler.Scheduling;
using EmbargoScheduler.Tests.Support;
using MassTransit;
using MassTransit.Context;
using MassTransit.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EmbargoScheduler.Tests.Scheduling;

public sealed class ClockLockedRowTests
{
    /// <summary>The real clock, counting how often the poller asks for the time (about three times per pass).</summary>
    private sealed class CountingTimeProvider : TimeProvider
    {
        private int calls;
        public int Calls => Volatile.Read(ref calls);

        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Increment(ref calls);
            return base.GetUtcNow();
        }
    }

    [Fact]
    public async Task A_due_message_locked_by_someone_else_is_retried_shortly_not_in_a_busy_loop()
    {
        await using var clock = await ClockAsync();
        var (dataSource, votes, store) = (clock.DataSource, clock.Votes, clock.Store);
        var token = NewId.NextGuid();
        await store.ArmAsync(Record(token, new CloseVote(Guid.NewGuid()), DateTimeOffset.UtcNow.AddMinutes(-1)), CancellationToken.None);

        await using var holder = await dataSource.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync(); // e.g. a saga's cancel, or another instance's claim
        await holder.ExecuteAsync("SELECT 1 FROM scheduled_messages WHERE token_id = @T FOR UPDATE", new { T = token }, hold);

        var time = new CountingTimeProvider();
        var poller = clock.Poller(time);
        await poller.StartAsync(CancellationToken.None);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var calls = time.Calls;
            Assert.InRange(calls, 1, 60); // a pass every ~200 ms; spinning makes hundreds
            Assert.Empty(votes.All);

            await hold.RollbackAsync(); // the holder lets go without changing it: the clock sends it soon after
            Assert.True(await votes.WaitForCountAsync(1, TimeSpan.FromSeconds(3)), "the message was not sent once the row was free");
            Assert.Equal(token, Assert.Single(votes.All).SchedulingTokenId);
        }
        finally
        {
            await poller.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The real clock, which cancels <see cref="Stopping"/> when asked the time for the second time: in a
    /// clock round, once its messages are forwarded and before they are marked sent (a host stopping just then).</summary>
    private sealed class StoppingAfterForwardTimeProvider : TimeProvider
    {
        private int calls;
        public CancellationTokenSource Stopping { get; } = new();

        public override DateTimeOffset GetUtcNow()
        {
            if (Interlocked.Increment(ref calls) == 2) Stopping.Cancel();
            return base.GetUtcNow();
        }
    }

    [Fact]
    public async Task A_message_forwarded_as_the_service_stops_is_recorded_as_sent_so_a_cancel_after_it_finds_it_sent()
    {
        await using var clock = await ClockAsync();
        var (dataSource, votes, store) = (clock.DataSource, clock.Votes, clock.Store);
        var token = NewId.NextGuid();
        await store.ArmAsync(Record(token, new CloseVote(Guid.NewGuid()), DateTimeOffset.UtcNow.AddSeconds(-1)), CancellationToken.None);

        var time = new StoppingAfterForwardTimeProvider();
        var poller = clock.Poller(time);
        var round = await poller.FireDueAsync(time.Stopping.Token);

        Assert.True(time.Stopping.IsCancellationRequested);
        Assert.Equal((1, 0), (round.Claimed, round.Failed));
        Assert.True(await votes.WaitForCountAsync(1, TimeSpan.FromSeconds(5)), "the message was not forwarded");
        await using var conn = await dataSource.OpenConnectionAsync();
        Assert.Equal("sent", await conn.ExecuteScalarAsync<string>("SELECT state FROM scheduled_messages WHERE token_id = @T", new { T = token }));
        // A saga's cancel (an extension, a withdrawal) learns the truth: the message has gone.
        Assert.False(await store.CancelAsync(token, DateTimeOffset.UtcNow, CancellationToken.None));
    }

    /// <summary>The real clock shifted by <see cref="Offset"/>, which throws when asked the time for the
    /// <see cref="CrashAtCall"/>th time: in a clock round, once its messages are forwarded and before they are
    /// recorded sent (the process dying just then).</summary>
    private sealed class CrashingTimeProvider(int crashAtCall = 0) : TimeProvider
    {
        private int calls;
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow()
        {
            if (Interlocked.Increment(ref calls) == crashAtCall) throw new InvalidOperationException("the process dies here");
            return base.GetUtcNow() + Offset;
        }
    }

    [Fact]
    public async Task A_message_forwarded_just_before_a_crash_cannot_be_cancelled_and_goes_again_once_its_lease_runs_out()
    {
        await using var clock = await ClockAsync();
        var (dataSource, votes, store) = (clock.DataSource, clock.Votes, clock.Store);
        var token = NewId.NextGuid();
        await store.ArmAsync(Record(token, new CloseVote(Guid.NewGuid()), DateTimeOffset.UtcNow.AddSeconds(-1)), CancellationToken.None);

        var crashing = clock.Poller(new CrashingTimeProvider(crashAtCall: 2));
        await Assert.ThrowsAsync<InvalidOperationException>(() => crashing.FireDueAsync(CancellationToken.None));
        Assert.True(await votes.WaitForCountAsync(1, TimeSpan.FromSeconds(5)), "the message was not forwarded");

        // A saga's cancel (a withdrawal at the instant) learns that the message has gone, though it was never recorded sent.
        Assert.False(await store.CancelAsync(token, DateTimeOffset.UtcNow, CancellationToken.None));

        var time = new CrashingTimeProvider();
        var restarted = clock.Poller(time);
        Assert.Equal(0, (await restarted.FireDueAsync(CancellationToken.None)).Claimed); // still the crashed clock's to send
        await using var conn = await dataSource.OpenConnectionAsync();
        // The lease runs out (by both clocks; rather than waiting its 30 s).
        await conn.ExecuteAsync("UPDATE scheduled_messages SET retry_at = clock_timestamp() - interval '1 second' WHERE token_id = @T", new { T = token });
        var again = await restarted.FireDueAsync(CancellationToken.None);
        Assert.Equal((1, 0), (again.Claimed, again.Failed));
        Assert.True(await votes.WaitForCountAsync(2, TimeSpan.FromSeconds(5)), "the message was not forwarded again (at least once)");
        Assert.All(votes.All, v => Assert.Equal(token, v.SchedulingTokenId));
        Assert.Equal("sent", await conn.ExecuteScalarAsync<string>("SELECT state FROM scheduled_messages WHERE token_id = @T", new { T = token }));
    }

    [Fact]
    public async Task Messages_that_cannot_be_forwarded_wait_out_of_the_way_of_those_due_after_them()
    {
        await using var clock = await ClockAsync();
        var (dataSource, votes, store) = (clock.DataSource, clock.Votes, clock.Store);
        // More than a claim takes (500), addressed to a queue that does not exist: the broker returns every one.
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 501; i++)
            await store.ArmAsync(Record(NewId.NextGuid(), new CloseVote(Guid.NewGuid()), now.AddMinutes(-2), "nobody-home"), CancellationToken.None);
        var due = NewId.NextGuid();
        await store.ArmAsync(Record(due, new CloseVote(Guid.NewGuid()), now.AddMinutes(-1)), CancellationToken.None);

        var poller = clock.Poller(TimeProvider.System);
        var first = await poller.FireDueAsync(CancellationToken.None);
        Assert.Equal((500, 500), (first.Claimed, first.Failed));
        var second = await poller.FireDueAsync(CancellationToken.None); // the 500 wait; the rest are claimed
        Assert.Equal((2, 1), (second.Claimed, second.Failed));
        Assert.True(await votes.WaitForCountAsync(1, TimeSpan.FromSeconds(5)), "the message due after them was never forwarded");
        Assert.Equal(due, Assert.Single(votes.All).SchedulingTokenId);

        await using var conn = await dataSource.OpenConnectionAsync();
        Assert.Equal(501, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM scheduled_messages WHERE state = 'sending' AND attempts = 1 AND retry_at > @Now", new { Now = now }));
    }

    [Fact]
    public async Task A_clock_running_ahead_of_the_database_does_not_forward_a_message_before_its_instant()
    {
        await using var clock = await ClockAsync();
        var token = NewId.NextGuid();
        var dueAt = DateTimeOffset.UtcNow.AddSeconds(3);
        await clock.Store.ArmAsync(Record(token, new CloseVote(Guid.NewGuid()), dueAt), CancellationToken.None);
        // Another instance whose host clock is 10 s fast: by its own clock the message is due.
        var poller = clock.Poller(new CrashingTimeProvider { Offset = TimeSpan.FromSeconds(10) });

        Assert.Equal(0, (await poller.FireDueAsync(CancellationToken.None)).Claimed);
        await Task.Delay(dueAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, (await poller.FireDueAsync(CancellationToken.None)).Claimed);
        Assert.True(await clock.Votes.WaitForCountAsync(1, TimeSpan.FromSeconds(5)), "the message was not forwarded once due");
        Assert.Equal(token, Assert.Single(clock.Votes.All).SchedulingTokenId);
    }

    [Fact]
    public async Task A_sending_lease_runs_by_the_database_clock_too_so_no_instance_takes_over_a_forward_early()
    {
        await using var clock = await ClockAsync();
        var token = NewId.NextGuid();
        await clock.Store.ArmAsync(Record(token, new CloseVote(Guid.NewGuid()), DateTimeOffset.UtcNow.AddSeconds(-30)), CancellationToken.None);
        await using var conn = await clock.DataSource.OpenConnectionAsync();

        // An instance whose clock is 20 s slow claims it (and is, say, still forwarding it): its lease is 30 s of real
        // time, not the 10 s left by its own clock.
        var slowNow = DateTimeOffset.UtcNow.AddSeconds(-20);
        await using (var tx = await conn.BeginTransactionAsync())
        {
            Assert.Single(await ScheduledMessageStore.ClaimDueAsync(conn, tx, slowNow, slowNow + ScheduledMessagePoller.SendingLease, 10, CancellationToken.None));
            await tx.CommitAsync();
        }
        var leaseLeft = await conn.ExecuteScalarAsync<double>("SELECT extract(epoch FROM retry_at - clock_timestamp()) FROM scheduled_messages");
        Assert.InRange(leaseLeft, ScheduledMessagePoller.SendingLease.TotalSeconds - 5, ScheduledMessagePoller.SendingLease.TotalSeconds + 1);

        // Another instance whose clock is 40 s fast finds the lease over by its own clock, not by the database's.
        var fast = clock.Poller(new CrashingTimeProvider { Offset = TimeSpan.FromSeconds(40) });
        Assert.Equal(0, (await fast.FireDueAsync(CancellationToken.None)).Claimed);
        Assert.Equal("sending", await conn.ExecuteScalarAsync<string>("SELECT state FROM scheduled_messages"));
    }

    // As a redelivery of a consumer's failed message carries them (its exception's text among them).
    private static readonly string FaultHeaders = System.Text.Json.JsonSerializer.Serialize(
        new List<KeyValuePair<string, object>> { new("MT-Fault-Message", "could not store the draft") }, SystemTextJsonMessageSerializer.Options);

    [Fact]
    public async Task A_sent_or_cancelled_message_keeps_neither_its_body_nor_its_headers()
    {
        await using var clock = await ClockAsync();
        var (sent, cancelled, pending) = (NewId.NextGuid(), NewId.NextGuid(), NewId.NextGuid());
        await clock.Store.ArmAsync(Record(sent, new CloseVote(Guid.NewGuid()), DateTimeOffset.UtcNow.AddSeconds(-1)) with { Headers = FaultHeaders }, CancellationToken.None);
        await clock.Store.ArmAsync(Record(cancelled, new CloseVote(Guid.NewGuid()), DateTimeOffset.UtcNow.AddHours(1)) with { Headers = FaultHeaders }, CancellationToken.None);
        await clock.Store.ArmAsync(Record(pending, new CloseVote(Guid.NewGuid()), DateTimeOffset.UtcNow.AddHours(1)), CancellationToken.None);

        Assert.Equal(1, (await clock.Poller(TimeProvider.System).FireDueAsync(CancellationToken.None)).Claimed);
        Assert.True(await clock.Store.CancelAsync(cancelled, DateTimeOffset.UtcNow, CancellationToken.None));

        await using var conn = await clock.DataSource.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<(Guid Token, string State, string Body, string? Headers)>(
            "SELECT token_id, state, body, headers::text FROM scheduled_messages")).ToDictionary(r => r.Token);
        Assert.Equal(("sent", "", null), (rows[sent].State, rows[sent].Body, rows[sent].Headers));
        Assert.Equal(("cancelled", "", null), (rows[cancelled].State, rows[cancelled].Body, rows[cancelled].Headers));
        Assert.Contains("CloseVote", rows[pending].Body); // a pending one still has what it is to send
    }

    /// <summary>The clock's table in a database of its own, and an intake stand-in recording the CloseVotes it forwards.</summary>
    private sealed class Clock(NpgsqlDataSource dataSource, Arrivals<CloseVote> votes, IHost intake) : IAsyncDisposable
    {
        public NpgsqlDataSource DataSource => dataSource;
        public Arrivals<CloseVote> Votes => votes;
        public ScheduledMessageStore Store { get; } = new(dataSource);
        public IBus Bus => intake.Services.GetRequiredService<IBus>();

        /// <summary>A clock's hand over this table, forwarding through the stand-in's bus, on <paramref name="time"/>.</summary>
        public ScheduledMessagePoller Poller(TimeProvider time) =>
            new(dataSource, Store, Options.Create(new EmbargoOptions()), Bus, time, NullLogger<ScheduledMessagePoller>.Instance);

        public async ValueTask DisposeAsync()
        {
            intake.Dispose();
            await dataSource.DisposeAsync();
        }
    }

    private static async Task<Clock> ClockAsync()
    {
        DapperSetup.Configure(); // the service's Dapper conventions, for its poller run here
        var isolation = await TestInfrastructure.CreateIsolationAsync("clock");
        MigrationRunner.Apply(isolation.ConnectionString, EmbargoSchedulerExtensions.Service.Schema,
            typeof(ServiceInfo).Assembly, typeof(EmbargoSchedulerExtensions).Assembly);
        var dataSource = new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = EmbargoSchedulerExtensions.Service.Schema }.ConnectionString).Build();
        var votes = new Arrivals<CloseVote>();
        var intake = await TestBus.StartAsync(isolation, "intake-stand-in", x => x.Record<CloseVote>(Queues.Intake), s => s.AddSingleton(votes));
        return new Clock(dataSource, votes, intake);
    }

    private static ScheduledMessageRecord Record<T>(Guid token, T message, DateTimeOffset dueAt, string queue = Queues.Intake) where T : class
    {
        var send = new MessageSendContext<T>(message) { DestinationAddress = Queues.Address(queue) };
        return new ScheduledMessageRecord(token, Queues.Address(queue).ToString(), dueAt, string.Join(";", MessageTypeCache<T>.MessageTypeNames),
            SystemTextJsonMessageSerializer.JsonContentType.ToString(), SystemTextJsonMessageSerializer.Instance.GetMessageBody(send).GetString(),
            null, send.MessageId, null, null, null, null);
    }
}

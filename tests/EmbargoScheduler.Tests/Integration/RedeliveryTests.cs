using Coordination.Contracts.Members;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using EmbargoScheduler.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EmbargoScheduler.Tests.Integration;

/// <summary>
/// A consumer that still fails after the immediate retries (its database failing over, say) gets the message again
/// later through the embargo-scheduler's durable clock ("RabbitMq:RedeliveryIntervals"), instead of losing it to the
/// _error queue.
/// </summary>
public sealed class RedeliveryTests
{
    /// <summary>Fails every attempt until it is told to recover; records the redelivery count of each attempt.</summary>
    private sealed class FailingUntilRecovered
    {
        public volatile bool Recovered;
        public readonly List<int> Attempts = [];
        public readonly List<Guid?> SchedulingTokens = [];
        public readonly TaskCompletionSource<int> Consumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class FlakyConsumer(FailingUntilRecovered state) : IConsumer<MemberJoined>
    {
        public Task Consume(ConsumeContext<MemberJoined> context)
        {
            lock (state.Attempts)
            {
                state.Attempts.Add(context.GetRedeliveryCount());
                state.SchedulingTokens.Add(context.Headers.Get<Guid>(MessageHeaders.SchedulingTokenId));
            }
            if (!state.Recovered) throw new InvalidOperationException("database unavailable (test)");
            state.Consumed.TrySetResult(context.GetRedeliveryCount());
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_message_still_failing_after_the_retries_comes_back_through_the_clock_and_is_consumed()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("redelivery");
        await using var scheduler = await SchedulerService.StartAsync(isolation);
        var state = new FailingUntilRecovered();
        using var service = await TestBus.StartAsync(isolation, "redelivery-test",
            x => x.AddConsumer<FlakyConsumer>(),
            s => s.AddSingleton(state).Configure<RabbitMqOptions>(o => o.RedeliveryIntervals = "00:00:03,00:00:03"));

        await service.Services.GetRequiredService<IBus>().Publish(new MemberJoined(Guid.NewGuid(), "Ada", "ada", "member", DateTimeOffset.UtcNow));
        // The first delivery and its 5 immediate retries fail; the message is handed to the clock.
        await WaitUntilAsync(() => state.Attempts.Count >= 6, TimeSpan.FromSeconds(60));
        state.Recovered = true;

        var redeliveryCount = await state.Consumed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, redeliveryCount);
        lock (state.Attempts) Assert.Equal([0, 0, 0, 0, 0, 0, 1], state.Attempts);
    }

    /// <summary>A saga's timer (ReminderDue, DisclosureDue) is current only while it carries the token the saga armed
    /// it with: redelivered through the clock with the redelivery's own token, it would be dropped as stale.</summary>
    [Fact]
    public async Task A_scheduled_message_redelivered_through_the_clock_keeps_the_scheduling_token_it_was_armed_with()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("redelivery");
        await using var scheduler = await SchedulerService.StartAsync(isolation);
        var state = new FailingUntilRecovered();
        using var service = await TestBus.StartAsync(isolation, "redelivery-test",
            x => x.AddConsumer<FlakyConsumer>(),
            s => s.AddSingleton(state).Configure<RabbitMqOptions>(o => o.RedeliveryIntervals = "00:00:03"));

        var armed = await service.Services.GetRequiredService<IMessageScheduler>().SchedulePublish(DateTime.UtcNow.AddSeconds(1),
            new MemberJoined(Guid.NewGuid(), "Ada", "ada", "member", DateTimeOffset.UtcNow));
        await WaitUntilAsync(() => state.Attempts.Count >= 6, TimeSpan.FromSeconds(60));
        state.Recovered = true;

        Assert.Equal(1, await state.Consumed.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        lock (state.Attempts) Assert.All(state.SchedulingTokens, token => Assert.Equal(armed.TokenId, token));
    }

    [Fact]
    public async Task A_message_handed_to_the_clock_while_the_clocks_database_is_down_waits_for_it_instead_of_going_to_the_error_queue()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("redelivery");
        await using var database = new TcpProxy(isolation.Endpoints.PostgresHost, isolation.Endpoints.PostgresPort);
        var settings = SchedulerService.Settings(isolation);
        settings["Postgres__ConnectionString"] = new Npgsql.NpgsqlConnectionStringBuilder(isolation.ConnectionString)
            { Host = "127.0.0.1", Port = database.Port, Timeout = 3 }.ConnectionString;
        await using var scheduler = await SchedulerService.StartAsync(settings);
        var state = new FailingUntilRecovered();
        using var service = await TestBus.StartAsync(isolation, "redelivery-test",
            x => x.AddConsumer<FlakyConsumer>(),
            s => s.AddSingleton(state).Configure<RabbitMqOptions>(o => o.RedeliveryIntervals = "00:00:03,00:00:03"));

        // The database fails over (here: is cut off from the clock) while the consumer fails too: the message is
        // handed to the clock, which cannot store it until the database is back.
        database.Cut();
        await service.Services.GetRequiredService<IBus>().Publish(new MemberJoined(Guid.NewGuid(), "Ada", "ada", "member", DateTimeOffset.UtcNow));
        await WaitUntilAsync(() => state.Attempts.Count >= 6, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(25)); // longer than the clock's own immediate retries
        Assert.False(scheduler.HasExited, scheduler.Output);
        database.Restore();
        state.Recovered = true;

        var redeliveryCount = await state.Consumed.Task.WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(1, redeliveryCount);
        Assert.False(await TestInfrastructure.QueueExistsAsync(isolation.VirtualHost, BusRegistration.SchedulerQueue + "_error"));
        Assert.False(scheduler.HasExited, scheduler.Output);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(50);
        }
    }
}

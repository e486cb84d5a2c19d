using Coordination.Contracts.Members;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using EmbargoScheduler.Tests.Support;
using MassTransit;
using MassTransit.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace EmbargoScheduler.Tests.Scheduling;

/// <summary>The clock as other services use it: MassTransit's own scheduler API, through queue:scheduler.</summary>
public sealed class DurableClockTests
{
    [Fact]
    public async Task A_scheduled_message_of_any_type_fires_once_with_its_token_and_a_cancelled_one_never_fires()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("clock");
        await using var service = await SchedulerService.StartAsync(isolation);
        var votes = new Arrivals<CloseVote>();
        using var intake = await TestBus.StartAsync(isolation, "intake-stand-in", x => x.Record<CloseVote>(Queues.Intake), s => s.AddSingleton(votes));

        using var scope = intake.Services.CreateScope();
        var scheduler = scope.ServiceProvider.GetRequiredService<IMessageScheduler>();
        var due = DateTime.UtcNow.AddSeconds(3);
        var kept = await scheduler.ScheduleSend(Queues.Address(Queues.Intake), due, new CloseVote(Guid.NewGuid()));
        var cancelled = await scheduler.ScheduleSend(Queues.Address(Queues.Intake), due, new CloseVote(Guid.NewGuid()));
        await scheduler.CancelScheduledSend(Queues.Address(Queues.Intake), cancelled.TokenId);

        Assert.True(await votes.WaitForCountAsync(1, TimeSpan.FromSeconds(20)), "the scheduled CloseVote did not arrive");
        await Task.Delay(TimeSpan.FromSeconds(3)); // past the due time of both: nothing more may come
        var arrival = Assert.Single(votes.All);
        Assert.Equal(kept.Payload.NominationId, arrival.Message.NominationId);
        Assert.Equal(kept.TokenId, arrival.SchedulingTokenId);

        var db = new EmbargoDatabase(isolation);
        Assert.Equal("sent", await db.ScalarAsync<string>("SELECT state FROM scheduled_messages WHERE token_id = @T", new { T = kept.TokenId }));
        Assert.Equal("cancelled", await db.ScalarAsync<string>("SELECT state FROM scheduled_messages WHERE token_id = @T", new { T = cancelled.TokenId }));
    }

    [Fact]
    public async Task A_cancel_that_overtakes_its_schedule_still_keeps_the_message_from_firing()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("clock");
        await using var service = await SchedulerService.StartAsync(isolation);
        var votes = new Arrivals<CloseVote>();
        using var intake = await TestBus.StartAsync(isolation, "intake-stand-in", x => x.Record<CloseVote>(Queues.Intake), s => s.AddSingleton(votes));
        using var scope = intake.Services.CreateScope();
        var scheduler = scope.ServiceProvider.GetRequiredService<IMessageScheduler>();

        var token = NewId.NextGuid();
        await scheduler.CancelScheduledSend(Queues.Address(Queues.Intake), token);
        var db = new EmbargoDatabase(isolation);
        await db.WaitUntilAsync(async () => await db.CountScheduledAsync("cancelled") == 1, TimeSpan.FromSeconds(10), "the cancel is recorded");
        var clock = await intake.Services.GetRequiredService<IBus>().GetSendEndpoint(BusRegistration.SchedulerAddress);
        await clock.Send<ScheduleMessage>(new ScheduleMessageCommand<CloseVote>(DateTime.UtcNow.AddSeconds(1), Queues.Address(Queues.Intake),
            new CloseVote(Guid.NewGuid()), token));
        // A control scheduled after it, due at the same time: once it has fired, the clock has handled the one before.
        var control = new CloseVote(Guid.NewGuid());
        await clock.Send<ScheduleMessage>(new ScheduleMessageCommand<CloseVote>(DateTime.UtcNow.AddSeconds(1), Queues.Address(Queues.Intake), control, NewId.NextGuid()));

        Assert.True(await votes.WaitForCountAsync(1, TimeSpan.FromSeconds(15)), "the control message did not fire");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(control.NominationId, Assert.Single(votes.All).Message.NominationId);
        Assert.Equal("cancelled", await db.ScalarAsync<string>("SELECT state FROM scheduled_messages WHERE token_id = @T", new { T = token }));
    }
}

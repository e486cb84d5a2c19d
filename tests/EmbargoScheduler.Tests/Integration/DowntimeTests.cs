using Coordination.Contracts.Disclosure;
using Coordination.Contracts.Embargo;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using EmbargoScheduler.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EmbargoScheduler.Tests.Integration;

/// <summary>The service as a process, killed while timers of an embargo fall due, then started again.</summary>
public sealed class DowntimeTests
{
    [Fact]
    public async Task Reminders_due_while_the_service_was_killed_are_sent_once_when_it_is_back_before_the_instant()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("downtime");
        var notices = new Arrivals<NotifyDownstream>();
        using var others = await TestBus.StartAsync(isolation, "downtime-stand-ins",
            x => { x.Record<NotifyDownstream>(Queues.DownstreamNotifier); x.Accept<PublishAdvisory>(Queues.Disclosure); }, s => s.AddSingleton(notices));
        var settings = SchedulerService.Settings(isolation);
        settings["Embargo__ReminderOffsets__0"] = "00:02:30"; // due 30 s after the start
        settings["Embargo__ReminderOffsets__1"] = "00:02:25"; // due 35 s after the start
        var service = ServiceProcess.Start("EmbargoScheduler", settings);
        await service.WaitUntilReadyAsync();

        var caseId = NewId.NextGuid();
        var disclosureAt = DateTimeOffset.UtcNow.AddMinutes(3);
        await others.Services.GetRequiredService<IBus>().Publish(new StartEmbargo(caseId, disclosureAt, ["default"], Guid.NewGuid(), DateTimeOffset.UtcNow));
        Assert.True(await notices.WaitForCountAsync(1, TimeSpan.FromSeconds(30)), "no Embargoed notice");
        await service.DisposeAsync(); // kills the process tree, as a crash would
        Assert.True(DateTimeOffset.UtcNow < disclosureAt.AddSeconds(-150), "killed only after the first reminder was due");

        while (DateTimeOffset.UtcNow < disclosureAt.AddSeconds(-140)) await Task.Delay(250); // both reminders are due now
        Assert.Equal([NoticeKinds.Embargoed], Rounds());
        await using var restarted = ServiceProcess.Start("EmbargoScheduler", settings);
        await restarted.WaitUntilReadyAsync();

        for (var i = 0; i < 120 && Rounds().Count < 2; i++) await Task.Delay(250);
        await Task.Delay(TimeSpan.FromSeconds(5)); // a second reminder would arrive now
        Assert.True(DateTimeOffset.UtcNow < disclosureAt, "the test took past the instant; the reminder is then skipped");
        Assert.Equal([NoticeKinds.Embargoed, NoticeKinds.Reminder], Rounds());

        // A saga step retried after a failure sends its round again under the same id, which the notifier takes once.
        List<string> Rounds() => notices.All.Select(n => n.Message).DistinctBy(m => m.NotificationId).Select(m => m.Kind).ToList();
    }
}

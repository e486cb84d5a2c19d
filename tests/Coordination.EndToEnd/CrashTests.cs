using Coordination.Testing;

namespace Coordination.EndToEnd;

/// <summary>
/// A service process killed (SIGKILL) or down, or the broker unreachable, at an awkward moment: once it is back, what
/// was due happens, and once only: one publication, one announcement, one notice of each kind per recipient.
/// </summary>
[Collection(nameof(CoordinationSystem))]
public sealed class CrashTests(CoordinationSystem system) : IDisposable
{
    private readonly Gpg gpg = new();

    [Fact]
    public async Task A_scheduler_down_across_the_instant_publishes_once_as_soon_as_it_is_back()
    {
        var s = new Scenario(system, gpg);
        await s.ReportAndDraftAsync();
        await s.RegisterDownstreamAsync();
        var selected = s.Contacts.Count(c => c.Selected);
        var disclosureAt = DateTimeOffset.UtcNow.AddSeconds(25);
        await s.StartEmbargoAsync(disclosureAt);
        Assert.Equal(selected, (await s.WaitForNoticesAsync("Embargoed", selected, TimeSpan.FromSeconds(20))).Count);

        await CoordinationSystem.KillAsync(system.Scheduler);
        Assert.True(DateTimeOffset.UtcNow < disclosureAt.AddSeconds(-4), "killed only after the reminder was due (4 s before the instant)");
        while (DateTimeOffset.UtcNow < disclosureAt.AddSeconds(5)) await Task.Delay(250);
        Assert.Empty(await s.PublicAdvisoriesAsync()); // the clock was down: nothing could have fired

        await system.RestartAsync(system.Scheduler);

        Assert.Single(await s.WaitForPublicAdvisoryAsync(TimeSpan.FromSeconds(60)));
        await s.WaitForNoticesAsync("Now public", selected, TimeSpan.FromSeconds(30));
        Assert.Equal("Disclosed", (await WaitForStateAsync(s, "Disclosed"))["state"]!.GetValue<string>());
        await Task.Delay(3000); // anything sent twice would have arrived by now
        Assert.Single(Announcements(s));
        Assert.Equal(selected, s.NoticesOf("Now public").Count);
        Assert.Equal(selected, s.NoticesOf("Embargoed").Count);
        Assert.Empty(s.NoticesOf("Reminder")); // due while the clock was down, and past the instant when it came back
    }

    [Fact]
    public async Task Two_schedulers_and_two_disclosures_at_once_publish_once()
    {
        var secondScheduler = await system.StartAnotherAsync(system.Scheduler);
        var secondDisclosure = await system.StartAnotherAsync(system.Disclosure);
        try
        {
            var s = new Scenario(system, gpg);
            await s.ReportAndDraftAsync();
            await s.RegisterDownstreamAsync();
            var selected = s.Contacts.Count(c => c.Selected);
            await s.StartEmbargoAsync(DateTimeOffset.UtcNow.AddSeconds(10));

            Assert.Single(await s.WaitForPublicAdvisoryAsync(TimeSpan.FromSeconds(60)));
            await s.WaitForNoticesAsync("Now public", selected, TimeSpan.FromSeconds(30));
            Assert.Equal("Disclosed", (await WaitForStateAsync(s, "Disclosed"))["state"]!.GetValue<string>());
            await Task.Delay(3000);
            Assert.Single(Announcements(s));
            Assert.Equal(selected, s.NoticesOf("Embargoed").Count);
            Assert.Equal(selected, s.NoticesOf("Now public").Count);
        }
        finally
        {
            await CoordinationSystem.KillAsync(secondScheduler);
            await CoordinationSystem.KillAsync(secondDisclosure);
        }
    }

    [Fact]
    public async Task A_disclosure_down_at_the_instant_publishes_once_when_it_is_back()
    {
        var s = new Scenario(system, gpg);
        await s.ReportAndDraftAsync();
        await s.RegisterDownstreamAsync();
        var selected = s.Contacts.Count(c => c.Selected);
        var disclosureAt = DateTimeOffset.UtcNow.AddSeconds(10);
        await s.StartEmbargoAsync(disclosureAt);
        await s.WaitForNoticesAsync("Embargoed", selected, TimeSpan.FromSeconds(20));

        await CoordinationSystem.KillAsync(system.Disclosure);
        while (DateTimeOffset.UtcNow < disclosureAt.AddSeconds(3)) await Task.Delay(250);
        await system.RestartAsync(system.Disclosure);

        Assert.Single(await s.WaitForPublicAdvisoryAsync(TimeSpan.FromSeconds(60)));
        await s.WaitForNoticesAsync("Now public", selected, TimeSpan.FromSeconds(30));
        Assert.Equal("Disclosed", (await WaitForStateAsync(s, "Disclosed"))["state"]!.GetValue<string>());
        await Task.Delay(3000);
        Assert.Single(Announcements(s));
        Assert.Equal(selected, s.NoticesOf("Now public").Count);
    }

    [Fact]
    public async Task A_broker_outage_across_the_instant_loses_nothing_and_sends_nothing_twice()
    {
        var s = new Scenario(system, gpg);
        await s.ReportAndDraftAsync();
        await s.RegisterDownstreamAsync();
        var selected = s.Contacts.Count(c => c.Selected);
        var disclosureAt = DateTimeOffset.UtcNow.AddSeconds(20);
        await s.StartEmbargoAsync(disclosureAt);
        await s.WaitForNoticesAsync("Embargoed", selected, TimeSpan.FromSeconds(15));

        // The broker is gone for every service from before the instant until well after it: the clock fires, the
        // commands and events it causes wait in the services' outboxes, and nothing reaches anyone meanwhile.
        while (DateTimeOffset.UtcNow < disclosureAt.AddSeconds(-2)) await Task.Delay(100);
        await using (await TestInfrastructure.BreakVirtualHostAsync(system.VirtualHost))
        {
            var connected = await TestInfrastructure.ConnectionCountAsync(system.VirtualHost);
            for (var i = 0; i < 40 && connected > 0; i++, await Task.Delay(250)) connected = await TestInfrastructure.ConnectionCountAsync(system.VirtualHost);
            Assert.Equal(0, connected); // the broker's list lags the closes a little
            while (DateTimeOffset.UtcNow < disclosureAt.AddSeconds(10)) await Task.Delay(250);
            Assert.Empty(await s.PublicAdvisoriesAsync());
            Assert.Empty(s.NoticesOf("Now public"));
        }

        Assert.Single(await s.WaitForPublicAdvisoryAsync(TimeSpan.FromSeconds(90)));
        await s.WaitForNoticesAsync("Now public", selected, TimeSpan.FromSeconds(60));
        Assert.Equal("Disclosed", (await WaitForStateAsync(s, "Disclosed"))["state"]!.GetValue<string>());
        await Task.Delay(3000);
        Assert.Single(Announcements(s));
        Assert.Equal(selected, s.NoticesOf("Embargoed").Count);
        Assert.Equal(selected, s.NoticesOf("Now public").Count);
        foreach (var service in new[] { system.Intake, system.Scheduler, system.Notifier, system.Disclosure })
        {
            Assert.False(service.HasExited, service.Output);
            await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)); // connected again: ready
        }
    }

    public void Dispose() => gpg.Dispose();

    private List<SunkMail> Announcements(Scenario s) =>
        SunkMail.All(system.Mail).Where(m => m.Recipients.Contains(CoordinationSystem.AnnounceTo) && m.Subject.Contains(s.CveId)).ToList();

    private static async Task<System.Text.Json.Nodes.JsonObject> WaitForStateAsync(Scenario s, string state)
    {
        var embargo = await s.EmbargoAsync();
        for (var i = 0; i < 120 && embargo["state"]!.GetValue<string>() != state; i++)
        {
            await Task.Delay(500);
            embargo = await s.EmbargoAsync();
        }
        return embargo;
    }
}

using Coordination.Contracts.Disclosure;
using Coordination.Contracts.Embargo;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using EmbargoScheduler.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EmbargoScheduler.Tests.Integration;

/// <summary>
/// The service as a process, on the real broker and database: 200 embargoes disclosing a few seconds ahead each
/// send PublishAdvisory exactly once — with one instance, after a hard kill and restart, and with two instances.
/// </summary>
public sealed class DisclosureFiringTests
{
    private const int Cases = 200;

    private sealed class Scenario(Isolation isolation, Arrivals<PublishAdvisory> advisories, IHost others, EmbargoDatabase db) : IDisposable
    {
        public Isolation Isolation => isolation;
        public Arrivals<PublishAdvisory> Advisories => advisories;
        public EmbargoDatabase Db => db;

        // The instant is far enough ahead that a loaded machine still handles every StartEmbargo within the lead time.
        public async Task<(IReadOnlyList<Guid> CaseIds, DateTimeOffset DisclosureAt)> StartEmbargoesAsync(TimeSpan ahead)
        {
            var bus = others.Services.GetRequiredService<IBus>();
            var disclosureAt = DateTimeOffset.UtcNow + ahead;
            var caseIds = Enumerable.Range(0, Cases).Select(_ => NewId.NextGuid()).ToList();
            await Task.WhenAll(caseIds.Select(id => bus.Publish(new StartEmbargo(id, disclosureAt, ["default"], Guid.NewGuid(), DateTimeOffset.UtcNow))));
            await db.WaitUntilAsync(async () => await db.CountSagasInStateAsync("Embargoed") == Cases, TimeSpan.FromSeconds(30), $"{Cases} cases are embargoed");
            return (caseIds, disclosureAt);
        }

        public async Task AssertEachDisclosedExactlyOnceAsync(IReadOnlyList<Guid> caseIds)
        {
            Assert.True(await advisories.WaitForCountAsync(Cases, TimeSpan.FromSeconds(60)), $"only {advisories.All.Count} of {Cases} disclosures arrived");
            await Task.Delay(TimeSpan.FromSeconds(3)); // a duplicate would arrive now
            var perCase = advisories.All.GroupBy(a => a.Message.CaseId).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(caseIds.Order(), perCase.Keys.Order());
            Assert.All(perCase, kv => Assert.Equal(1, kv.Value));
            // Each saga handles its DisclosureDue apart from the clock's PublishAdvisory: on a loaded machine it may come later.
            await db.WaitUntilAsync(async () => await db.CountSagasInStateAsync("Disclosing") == Cases, TimeSpan.FromSeconds(60), $"{Cases} sagas are disclosing");
        }

        public void Dispose() => others.Dispose();

        public static async Task<Scenario> CreateAsync()
        {
            var isolation = await TestInfrastructure.CreateIsolationAsync("firing");
            var advisories = new Arrivals<PublishAdvisory>();
            var others = await TestBus.StartAsync(isolation, "disclosure-stand-in",
                x => { x.Record<PublishAdvisory>(Queues.Disclosure); x.Accept<NotifyDownstream>(Queues.DownstreamNotifier); }, s => s.AddSingleton(advisories));
            return new Scenario(isolation, advisories, others, new EmbargoDatabase(isolation));
        }
    }

    [Fact]
    public async Task Two_hundred_disclosures_fire_exactly_once()
    {
        using var scenario = await Scenario.CreateAsync();
        await using var service = await SchedulerService.StartAsync(scenario.Isolation);
        var (caseIds, _) = await scenario.StartEmbargoesAsync(TimeSpan.FromSeconds(20));
        await scenario.AssertEachDisclosedExactlyOnceAsync(caseIds);
    }

    [Fact]
    public async Task Disclosures_due_while_the_service_was_killed_fire_exactly_once_when_it_starts_again()
    {
        using var scenario = await Scenario.CreateAsync();
        var service = await SchedulerService.StartAsync(scenario.Isolation);
        var (caseIds, disclosureAt) = await scenario.StartEmbargoesAsync(TimeSpan.FromSeconds(20));
        await scenario.Db.WaitUntilAsync(async () => await scenario.Db.CountScheduledAsync("pending") == 2 * Cases, TimeSpan.FromSeconds(20), "every disclosure is scheduled"); // per case, its DisclosureDue and its PublishAdvisory
        await service.DisposeAsync(); // kills the process tree, as a crash would

        var untilDue = disclosureAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (untilDue > TimeSpan.Zero) await Task.Delay(untilDue);
        Assert.Empty(scenario.Advisories.All);

        await using var restarted = await SchedulerService.StartAsync(scenario.Isolation);
        await scenario.AssertEachDisclosedExactlyOnceAsync(caseIds);
    }

    [Fact]
    public async Task Two_instances_disclose_each_case_exactly_once()
    {
        using var scenario = await Scenario.CreateAsync();
        await using var first = await SchedulerService.StartAsync(scenario.Isolation);
        await using var second = await SchedulerService.StartAsync(scenario.Isolation);
        var (caseIds, _) = await scenario.StartEmbargoesAsync(TimeSpan.FromSeconds(20));
        await scenario.AssertEachDisclosedExactlyOnceAsync(caseIds);
        Assert.False(first.HasExited || second.HasExited);
    }
}

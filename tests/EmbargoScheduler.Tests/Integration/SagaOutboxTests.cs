using Coordination.Contracts.Embargo;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using EmbargoScheduler.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EmbargoScheduler.Tests.Integration;

/// <summary>
/// The saga's notices and events leave only with the state change that made them: while the saga's commit fails,
/// nobody hears of the embargo; once it commits, the notice and the event go out once.
/// </summary>
public sealed class SagaOutboxTests
{
    [Fact]
    public async Task A_start_whose_commit_fails_tells_nobody_until_it_commits_and_then_tells_once()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("saga-outbox");
        var notices = new Arrivals<NotifyDownstream>();
        var started = new Arrivals<EmbargoStarted>();
        using var others = await TestBus.StartAsync(isolation, "saga-outbox-stand-ins",
            x => { x.Record<NotifyDownstream>(Queues.DownstreamNotifier); x.Record<EmbargoStarted>("saga-outbox-embargo-started"); },
            s => s.AddSingleton(notices).AddSingleton(started));
        var settings = SchedulerService.Settings(isolation);
        settings["RabbitMq__RedeliveryIntervals"] = "00:00:02,00:00:02,00:00:02,00:00:02";
        await using var service = ServiceProcess.Start("EmbargoScheduler", settings);
        await service.WaitUntilReadyAsync();

        // Every commit that would store an Embargoed saga fails (as a database failing over would), counted in a
        // sequence, which the rollback does not undo.
        var db = new EmbargoDatabase(isolation);
        await db.ScalarAsync<int>("""
            CREATE SEQUENCE failed_commits;
            CREATE FUNCTION fail_commit() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN PERFORM nextval('failed_commits'); RAISE EXCEPTION 'commit refused (test)'; END $$;
            CREATE CONSTRAINT TRIGGER fail_embargoed AFTER INSERT OR UPDATE ON coordination_sagas DEFERRABLE INITIALLY DEFERRED
              FOR EACH ROW WHEN (NEW.current_state = 'Embargoed') EXECUTE FUNCTION fail_commit();
            SELECT 0;
            """);

        var caseId = NewId.NextGuid();
        await others.Services.GetRequiredService<IBus>().Publish(new StartEmbargo(caseId, DateTimeOffset.UtcNow.AddMinutes(10), ["default"], Guid.NewGuid(), DateTimeOffset.UtcNow));
        await db.WaitUntilAsync(async () => await FailedCommitsAsync(db) >= 3, TimeSpan.FromSeconds(30), "the saga tried to commit three times");
        await Task.Delay(TimeSpan.FromSeconds(1)); // a notice sent before a failed commit would have arrived by now
        Assert.Empty(notices.All);
        Assert.Empty(started.All);

        await db.ScalarAsync<int>("DROP TRIGGER fail_embargoed ON coordination_sagas; SELECT 0;");
        await db.WaitUntilAsync(async () => await db.CountSagasInStateAsync("Embargoed") == 1, TimeSpan.FromSeconds(60), "the redelivered start committed");
        Assert.True(await notices.WaitForCountAsync(1, TimeSpan.FromSeconds(10)), "no Embargoed notice after the commit");
        Assert.True(await started.WaitForCountAsync(1, TimeSpan.FromSeconds(10)), "no EmbargoStarted after the commit");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a second copy would arrive now
        Assert.Equal([(caseId, NoticeKinds.Embargoed)], notices.All.Select(n => (n.Message.CaseId, n.Message.Kind)));
        Assert.Equal([caseId], started.All.Select(s => s.Message.CaseId));
    }

    private static Task<long> FailedCommitsAsync(EmbargoDatabase db) =>
        db.ScalarAsync<long>("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM failed_commits");
}

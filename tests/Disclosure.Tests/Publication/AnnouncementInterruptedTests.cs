using Coordination.Contracts.Cases;
using Coordination.Contracts.Disclosure;
using Coordination.Testing;
using Dapper;
using Disclosure.Tests.Support;
using MassTransit;
using Npgsql;

namespace Disclosure.Tests.Publication;

/// <summary>
/// The announcement is one mail to the list: once the mail server has accepted it, neither a session that does not
/// close cleanly nor the service dying before it closes sends it again.
/// </summary>
public sealed class AnnouncementInterruptedTests
{
    [Fact]
    public async Task Killed_after_the_server_accepted_the_announcement_and_started_again_it_is_not_sent_twice()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("announce");
        await using var smtp = new QuitStallingSmtpServer();
        var settings = DisclosureHost.Settings(isolation, smtp.Port);
        var service = ServiceProcess.Start("Disclosure", settings);
        await using var restarted = await PublishAsync(isolation, service, async () =>
        {
            await smtp.QuitStalled.Task.WaitAsync(TimeSpan.FromSeconds(60)); // accepted; the session not closed yet
            await service.DisposeAsync(); // kills the process tree, as a crash would
            smtp.StallQuit = false;
            var again = ServiceProcess.Start("Disclosure", settings);
            await again.WaitUntilReadyAsync();
            return again;
        });

        await WaitForSentAsync(isolation);
        Assert.Equal(1, smtp.Accepted);
    }

    [Fact]
    public async Task A_server_that_never_answers_QUIT_after_accepting_gets_the_announcement_once()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("announce");
        await using var smtp = new QuitStallingSmtpServer();
        var settings = DisclosureHost.Settings(isolation, smtp.Port);
        settings["Smtp__TimeoutSeconds"] = "3";
        var service = ServiceProcess.Start("Disclosure", settings);
        await using var _ = await PublishAsync(isolation, service, async () =>
        {
            await smtp.QuitStalled.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return service;
        });

        await WaitForSentAsync(isolation);
        Assert.Equal(1, smtp.Accepted);
        Assert.Equal(0, await ScalarAsync(isolation, "SELECT count(*) FROM announcements WHERE attempts <> 1 OR last_error IS NOT NULL"));
    }

    /// <summary>Publishes a case's first version through the bus; then runs <paramref name="whileAnnouncing"/>.</summary>
    private static async Task<ServiceProcess> PublishAsync(Isolation isolation, ServiceProcess service, Func<Task<ServiceProcess>> whileAnnouncing)
    {
        await service.WaitUntilReadyAsync();
        await using var bus = await TestBus.StartAsync(isolation);
        var caseId = Guid.NewGuid();
        await bus.Publish(new AdvisoryDraftUpdated(caseId, 1, GoldenDrafts.MultiPackage, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await bus.SendToDisclosure(new PublishAdvisory(caseId, 1), NewId.NextGuid());
        return await whileAnnouncing();
    }

    // The row is marked sent after the server's 250: once it is, a resend (if any was going to be made) has been made.
    private static Task WaitForSentAsync(Isolation isolation) =>
        DisclosureHost.EventuallyAsync(async () =>
            await ScalarAsync(isolation, "SELECT count(*) FROM announcements WHERE sent_at IS NOT NULL") == 1 ? "" : null,
            "the announcement marked sent", TimeSpan.FromSeconds(90));

    private static async Task<long> ScalarAsync(Isolation isolation, string sql)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = "disclosure" }.ConnectionString);
        return await conn.ExecuteScalarAsync<long>(sql);
    }
}

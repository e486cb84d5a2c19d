using System.Net.Http.Json;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Disclosure;
using Coordination.Hosting;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Data;
using Coordination.Hosting.Mail;
using Coordination.Testing;
using Dapper;
using Disclosure.Announcements;
using Disclosure.Data;
using Disclosure.Options;
using Disclosure.Tests.Support;
using MailSink;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Disclosure.Tests.Publication;

/// <summary>
/// An announcement the list has not taken yet (its mail server refusing for a while) tells of the advisory as it is
/// when it goes: never after a withdrawal, and with the text of a version published meanwhile. One the server is
/// accepting as the service stops is recorded sent, not sent again.
/// </summary>
public sealed class AnnouncementOutOfDateTests
{
    [Fact]
    public async Task An_announcement_the_list_has_not_taken_when_the_advisory_is_withdrawn_is_never_sent()
    {
        await using var announcing = await RefusedAnnouncementAsync();
        var (isolation, sink, caseId) = (announcing.Isolation, announcing.Sink, announcing.CaseId);
        using var member = announcing.Service.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Admin));

        var withdrawal = await member.PostAsJsonAsync($"cases/{caseId}/advisory/withdraw", new { reason = "Not a vulnerability" });
        Assert.Equal(System.Net.HttpStatusCode.OK, withdrawal.StatusCode);
        announcing.Refusing = false;

        var error = await DisclosureHost.EventuallyAsync(() => ScalarAsync<string>(isolation,
            "SELECT last_error FROM announcements WHERE given_up_at IS NOT NULL"), "the announcement dropped", TimeSpan.FromSeconds(60));
        Assert.Contains("withdrawn", error);
        // Control: another case's announcement goes, and the dropped one's next attempt would have been due by then.
        var retryDue = await ScalarAsync<DateTime>(isolation, "SELECT next_attempt_at FROM announcements WHERE case_id = '" + caseId + "'");
        var other = Guid.NewGuid();
        await announcing.Bus.Publish(new AdvisoryDraftUpdated(other, 1, GoldenDrafts.MultiPackage with { CveId = null }, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await announcing.Bus.SendToDisclosure(new PublishAdvisory(other, 1), NewId.NextGuid());
        Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60)));
        var wait = retryDue.ToUniversalTime() - DateTime.UtcNow + TimeSpan.FromSeconds(2);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        Assert.Null(await ScalarAsync<DateTime?>(isolation, "SELECT sent_at FROM announcements WHERE case_id = '" + caseId + "'"));
        Assert.Single(sink.Messages());
        Assert.NotNull(await ScalarAsync<DateTime?>(isolation, "SELECT sent_at FROM announcements WHERE case_id = '" + other + "'"));
    }

    [Fact]
    public async Task A_withdrawal_while_the_list_is_taking_the_announcement_waits_for_it_so_it_never_goes_after()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("announce");
        await using var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "disclosure-mail-");
        sink.ReplyDelayAfterData = TimeSpan.FromSeconds(5); // stored, then the list's server is slow to say so
        await sink.StartAsync();
        await using var service = ServiceProcess.Start("Disclosure", DisclosureHost.Settings(isolation, sink.Port));
        await service.WaitUntilReadyAsync();
        await using var bus = await TestBus.StartAsync(isolation);
        var caseId = Guid.NewGuid();
        await bus.Publish(new AdvisoryDraftUpdated(caseId, 1, GoldenDrafts.MultiPackage, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await bus.SendToDisclosure(new PublishAdvisory(caseId, 1), NewId.NextGuid());
        Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60)));

        using var member = service.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Admin));
        var withdrawal = await member.PostAsJsonAsync($"cases/{caseId}/advisory/withdraw", new { reason = "Not a vulnerability" });

        Assert.Equal(System.Net.HttpStatusCode.OK, withdrawal.StatusCode);
        // Recorded sent before the withdrawal was: the list had the announcement first.
        Assert.NotNull(await ScalarAsync<DateTime?>(isolation, "SELECT sent_at FROM announcements"));
        Assert.Null(await ScalarAsync<DateTime?>(isolation, "SELECT given_up_at FROM announcements"));
        Assert.Single(sink.Messages());
    }

    [Fact]
    public async Task An_announcement_the_list_has_not_taken_when_a_later_version_is_published_carries_that_version()
    {
        await using var announcing = await RefusedAnnouncementAsync();
        var (isolation, sink, caseId) = (announcing.Isolation, announcing.Sink, announcing.CaseId);

        await announcing.Bus.Publish(new AdvisoryDraftUpdated(caseId, 2,
            GoldenDrafts.MultiPackage with { Title = "Corrected title", Details = "Corrected details." }, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await DisclosureHost.EventuallyAsync(async () => await ScalarAsync<int>(isolation, "SELECT current_version FROM advisories") == 2 ? "" : null,
            "version 2 published");
        announcing.Refusing = false;

        var mail = File.ReadAllText(Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60))));
        Assert.Contains("Corrected title", mail);
        Assert.Contains("Corrected details.", mail);
        await Task.Delay(TimeSpan.FromSeconds(1)); // a second copy, if one were sent, would be here by now
        Assert.Single(sink.Messages());
    }

    [Fact]
    public async Task An_announcement_the_server_accepts_as_the_service_stops_is_recorded_sent()
    {
        await using var dataSource = await QueuedAnnouncementAsync(databaseSetting: null);
        await using var smtp = new QuitStallingSmtpServer { StallQuit = false };
        var accept = new TaskCompletionSource();
        smtp.AcceptanceGate = accept.Task;
        var sender = Sender(dataSource, smtp.Port);

        using var stopping = new CancellationTokenSource();
        var attempt = sender.SendOneAsync(stopping.Token);
        await smtp.DataReceived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stopping.CancelAsync(); // the host stops while the server is taking the message
        accept.SetResult();

        Assert.True(await attempt.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, smtp.Accepted);
        await using var check = await dataSource.OpenConnectionAsync();
        Assert.Equal(1, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM announcements WHERE sent_at IS NOT NULL AND attempts = 1"));
    }

    [Fact]
    public async Task A_list_server_slow_to_accept_does_not_lose_the_claim_to_the_databases_idle_in_transaction_timeout()
    {
        await using var dataSource = await QueuedAnnouncementAsync(databaseSetting: "idle_in_transaction_session_timeout = '1s'");
        await using var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "disclosure-mail-");
        sink.ReplyDelayAfterData = TimeSpan.FromSeconds(3); // the claim's transaction sits idle this long
        await sink.StartAsync();
        var sender = Sender(dataSource, sink.Port);

        Assert.True(await sender.SendOneAsync(CancellationToken.None));

        await using var check = await dataSource.OpenConnectionAsync();
        Assert.Equal(1, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM announcements WHERE sent_at IS NOT NULL AND attempts = 1"));
        Assert.False(await sender.SendOneAsync(CancellationToken.None)); // nothing left to send again
        Assert.Single(sink.Messages());
    }

    /// <summary>A case published through the bus to a service whose mail server refuses the list until told not to,
    /// once the announcement has been refused at least once.</summary>
    private sealed class RefusedAnnouncement(Isolation isolation, MailSinkServer sink, ServiceProcess service, TestBus bus, Guid caseId)
        : IAsyncDisposable
    {
        public Isolation Isolation => isolation;
        public MailSinkServer Sink => sink;
        public ServiceProcess Service => service;
        public TestBus Bus => bus;
        public Guid CaseId => caseId;
        public volatile bool Refusing = true;

        public async ValueTask DisposeAsync()
        {
            await bus.DisposeAsync();
            await service.DisposeAsync();
            await sink.DisposeAsync();
        }
    }

    private static async Task<RefusedAnnouncement> RefusedAnnouncementAsync()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("announce");
        var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "disclosure-mail-");
        await sink.StartAsync();
        var service = ServiceProcess.Start("Disclosure", DisclosureHost.Settings(isolation, sink.Port));
        await service.WaitUntilReadyAsync();
        var bus = await TestBus.StartAsync(isolation);
        var caseId = Guid.NewGuid();
        var announcing = new RefusedAnnouncement(isolation, sink, service, bus, caseId);
        sink.RecipientPolicy = _ => announcing.Refusing ? new SmtpReply(451, "try again later") : null;

        await bus.Publish(new AdvisoryDraftUpdated(caseId, 1, GoldenDrafts.MultiPackage, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await bus.SendToDisclosure(new PublishAdvisory(caseId, 1), NewId.NextGuid());
        await DisclosureHost.EventuallyAsync(async () => await ScalarAsync<int>(isolation,
            "SELECT attempts FROM announcements WHERE last_error IS NOT NULL") >= 1 ? "" : null, "the announcement refused", TimeSpan.FromSeconds(60));
        return announcing;
    }

    /// <summary>A fresh disclosure schema (its database given <paramref name="databaseSetting"/>, when there is one)
    /// holding one announcement queued for the list; returns a data source on that schema.</summary>
    private static async Task<NpgsqlDataSource> QueuedAnnouncementAsync(string? databaseSetting)
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("announce");
        MigrationRunner.Apply(isolation.ConnectionString, DisclosureExtensions.Service.Schema,
            typeof(ServiceInfo).Assembly, typeof(DisclosureExtensions).Assembly);
        if (databaseSetting is not null)
            await using (var admin = new NpgsqlConnection(isolation.ConnectionString))
                await admin.ExecuteAsync($"ALTER DATABASE \"{new NpgsqlConnectionStringBuilder(isolation.ConnectionString).Database}\" SET {databaseSetting}");
        var dataSource = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(isolation.ConnectionString)
            { SearchPath = DisclosureExtensions.Service.Schema }.ConnectionString).Build();
        await using var conn = await dataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await AnnouncementStore.EnqueueAsync(conn, tx, Guid.NewGuid(), 1, DisclosureHost.AnnounceTo, "[CVE-2026-1] Subject", "Body");
        await tx.CommitAsync();
        return dataSource;
    }

    private static AnnouncementSender Sender(NpgsqlDataSource dataSource, int smtpPort) => new(dataSource,
        Microsoft.Extensions.Options.Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = smtpPort, Security = "None", From = "security@example.org" }),
        Microsoft.Extensions.Options.Options.Create(new DisclosureOptions()), NullLogger<AnnouncementSender>.Instance);

    private static async Task<T?> ScalarAsync<T>(Isolation isolation, string sql)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = "disclosure" }.ConnectionString);
        return await conn.ExecuteScalarAsync<T>(sql);
    }
}

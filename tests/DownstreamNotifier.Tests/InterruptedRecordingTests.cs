using System.Net.Http.Json;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Data;
using Coordination.Testing;
using Dapper;
using DownstreamNotifier.Consumers;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Recipients;
using DownstreamNotifier.Tests.Support;
using MailSink;
using MimeKit;
using Npgsql;

namespace DownstreamNotifier.Tests;

public sealed class InterruptedRecordingTests
{
    [Fact]
    public async Task A_round_whose_notices_were_partly_recorded_when_the_service_died_is_completed_by_the_redelivered_message()
    {
        // Not overdue within the test: the message redelivered by the broker finishes the round, not the service.
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Notifier__RecordingOverdueSeconds"] = "3600" });
        var (caseId, round) = await InterruptedRoundAsync(h);
        await using var database = ServiceDatabase(h);
        await using var conn = await database.OpenConnectionAsync();

        // Restarted, the service sends what was recorded, but does not report the round done.
        await h.StartServiceAsync();
        await h.Sink.WaitForMessagesAsync(10, TimeSpan.FromSeconds(30));
        await Task.Delay(1500); // several of the reporter's rounds (every 300 ms here)
        Assert.Null(await CompletedAtAsync(conn, round.NotificationId));
        Assert.Equal(10, h.Sink.Messages().Count);

        // The message was never acknowledged, so the broker delivers it again: the rest are recorded and sent.
        await h.SendAsync(round);
        await AssertCompletedWithOneNoticeEachAsync(h, conn, caseId, round);

        // Once more: now the round is marked as recorded, and the message changes nothing.
        await h.SendAsync(round);
        await Task.Delay(1500);
        Assert.Equal(30, h.Sink.Messages().Count);
        Assert.Equal(30, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM notices WHERE notification_id = @Id", new { Id = round.NotificationId }));
    }

    [Fact]
    public async Task A_resumed_round_does_not_tell_an_address_again_as_another_of_its_contacts()
    {
        using var gpg = new Coordination.Testing.Gpg();
        var key = await gpg.NewCurve25519KeyAsync("c0@fedora.test");
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Notifier__RecordingOverdueSeconds"] = "3600" });
        var (caseId, round) = await InterruptedRoundAsync(h, alsoAt: "Rocky python3");
        await using var database = ServiceDatabase(h);
        await using var conn = await database.OpenConnectionAsync();
        Assert.Equal("Fedora python3", await conn.ExecuteScalarAsync<string>(
            "SELECT p.name FROM notices n JOIN projects p ON p.id = n.project_id WHERE n.notification_id = @Id AND n.email = 'c0@fedora.test'", new { Id = round.NotificationId }));

        // Before the round resumes, the other contact at that address gets a key: it is the one chosen for it now.
        await h.StartServiceAsync();
        var shared = await conn.ExecuteScalarAsync<Guid>("SELECT c.id FROM contacts c JOIN projects p ON p.id = c.project_id WHERE p.name = 'Rocky python3'");
        (await h.Http.PutAsJsonAsync($"contacts/{shared}", new { name = "Shared", email = "c0@fedora.test", role = "security", publicKey = key })).EnsureSuccessStatusCode();
        await h.SendAsync(round);
        await AssertCompletedWithOneNoticeEachAsync(h, conn, caseId, round);
    }

    [Fact]
    public async Task An_Extended_round_resumed_later_leaves_the_notices_of_rounds_begun_since_alone()
    {
        var busy = true;
        await using var h = await NotifierHarness.StartAsync(to => Volatile.Read(ref busy) && to.StartsWith("slow", StringComparison.Ordinal)
            ? new SmtpReply(451, "try again later") : null, extra: new() { ["Notifier__RecordingOverdueSeconds"] = "3600" });
        var (caseId, extended) = await InterruptedRoundAsync(h, kind: NoticeKinds.Extended);
        await h.StartServiceAsync();

        // Begun after the extension (a member warns a contact registered since): its notice is deferred for now.
        var project = await h.CreateProjectAsync("Late distro", ["pkg:pypi/urllib3"]);
        var late = await h.CreateContactAsync(project, "slow@late.test");
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), extended.DisclosureAt, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Notices.Any(x => x.ContactId == late && x.State == "deferred"));

        // The Extended round's message comes again and finishes its recording: the late notice is not out of date.
        await h.SendAsync(extended);
        await WaitForRecordedAsync(h, extended.NotificationId);
        Volatile.Write(ref busy, false);
        var after = await h.WaitForNoticesAsync(caseId, n => n.Notices.Any(x => x.ContactId == late && x.Kind == NoticeKinds.Embargoed && x.State is "sent" or "cancelled"));
        Assert.Equal("sent", after.Notices.Single(x => x.ContactId == late && x.Kind == NoticeKinds.Embargoed).State);
    }

    private static async Task WaitForRecordedAsync(NotifierHarness h, Guid round)
    {
        for (var i = 0; i < 200 && !await Db.ScalarAsync<bool>(h, "SELECT notices_recorded_at IS NOT NULL FROM notifier.notifications WHERE id = $1", round); i++)
            await Task.Delay(100);
    }

    [Fact]
    public async Task A_round_larger_than_a_chunk_is_recorded_whole_and_marked_once_its_last_chunk_is_in()
    {
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Smtp__MaxConnections"] = "4" });
        var count = NotifyDownstreamConsumer.Chunk * 2 + 7;
        var rows = Enumerable.Range(0, 10).Select(p => new
        {
            name = $"Project {p}", packages = new[] { "pkg:pypi/requests" },
            contacts = Enumerable.Range(0, count / 10 + (p < count % 10 ? 1 : 0)).Select(c => new { name = $"C{c}", email = $"c{c}@p{p}.test" }).ToArray(),
        }).ToArray();
        (await h.Http.PostAsJsonAsync("import", rows)).EnsureSuccessStatusCode();
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "requests", "pkg:pypi/requests"));
        var round = new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]);
        await h.SendAsync(round);

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts.GetValueOrDefault("sent") == count, TimeSpan.FromSeconds(120));
        Assert.Equal(count, done.Notices.Select(n => n.ContactId).Distinct().Count());
        await using var database = ServiceDatabase(h);
        await using var conn = await database.OpenConnectionAsync();
        var row = await conn.QuerySingleAsync<(int Total, DateTime? RecordedAt)>(
            "SELECT total, notices_recorded_at FROM notifications WHERE id = @Id", new { Id = round.NotificationId });
        Assert.Equal(count, row.Total);
        Assert.NotNull(row.RecordedAt);
    }

    [Fact]
    public async Task A_round_whose_message_was_lost_after_it_was_partly_recorded_is_finished_by_the_service_sending_the_message_again()
    {
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Notifier__RecordingOverdueSeconds"] = "2" });
        var (caseId, round) = await InterruptedRoundAsync(h);
        await using var database = ServiceDatabase(h);
        await using var conn = await database.OpenConnectionAsync();

        // Restarted with no message coming to finish the round (it went to the error queue, say), the service sends
        // the round's NotifyDownstream again once the round is overdue (2 s here, 5 minutes by default).
        await h.StartServiceAsync();
        await AssertCompletedWithOneNoticeEachAsync(h, conn, caseId, round);
        // On a slow machine the round may be sent again more than once before it is done (every 2 s here), and that
        // changes nothing in what is sent; once it is done, it is not sent again however long it waits.
        var resends = Resends(h.Service, round);
        Assert.InRange(resends, 1, StalledRounds.MaxResends);
        await Task.Delay(2500);
        Assert.Equal(resends, Resends(h.Service, round));
        Assert.Equal(30, h.Sink.Messages().Count);
    }

    [Fact]
    public async Task A_lost_round_watched_by_two_instances_of_the_service_is_sent_again_by_one_of_them_once()
    {
        // Each instance's reporter looks at the round every 300 ms; overdue after 8 s, so the round, once sent again, is
        // recorded long before another resend would be due.
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Notifier__RecordingOverdueSeconds"] = "8" });
        var (caseId, round) = await InterruptedRoundAsync(h);
        await using var database = ServiceDatabase(h);
        await using var conn = await database.OpenConnectionAsync();

        await using var other = ServiceProcess.Start("DownstreamNotifier", h.Settings);
        await h.StartServiceAsync();
        await other.WaitUntilReadyAsync();
        await AssertCompletedWithOneNoticeEachAsync(h, conn, caseId, round);

        Assert.Equal(1, Resends(h.Service, round) + Resends(other, round));
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>("SELECT recording_resends FROM notifications WHERE id = @Id", new { Id = round.NotificationId }));
    }

    private static int Resends(ServiceProcess service, NotifyDownstream round) =>
        service.Output.Split('\n').Count(line => line.Contains($"notification {round.NotificationId} has 10 of its 30 notices recorded and has stopped there"));

    // What the consumer's first transaction leaves when the service dies before the next chunk: the round, its total,
    // and the notices of its first recipients (10 of 30), the round not marked as recorded; the service is stopped.
    // With alsoAt, another project has a contact at the first recipient's address (c0@fedora.test), not chosen for it.
    private static async Task<(Guid CaseId, NotifyDownstream Round)> InterruptedRoundAsync(NotifierHarness h, string? alsoAt = null,
        string kind = NoticeKinds.Embargoed)
    {
        var rows = new[]
        {
            new
            {
                name = "Fedora python3", packages = new[] { "pkg:pypi/urllib3" },
                contacts = Enumerable.Range(0, 30).Select(c => new { name = $"C{c}", email = $"c{c}@fedora.test" }).ToArray(),
            },
        }.ToList();
        if (alsoAt is not null)
            rows.Add(new { name = alsoAt, packages = new[] { "pkg:pypi/urllib3" }, contacts = new[] { new { name = "Shared", email = "c0@fedora.test" } } });
        (await h.Http.PostAsJsonAsync("import", rows)).EnsureSuccessStatusCode();
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        var round = new NotifyDownstream(caseId, kind, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]);

        await h.KillServiceAsync();
        DapperSetup.Configure(); // the service's Dapper conventions, for its store code run here
        await using var database = ServiceDatabase(h);
        await using var conn = await database.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var draft = await CaseStore.DraftAsync(conn, caseId, tx);
        Assert.True(await NoticeStore.InsertNotificationAsync(conn, tx, round, draft, DateTimeOffset.UtcNow));
        var recipients = await RecipientResolver.ResolveAsync(conn, caseId, draft, 3, tx);
        Assert.Equal(30, recipients.Count);
        await NoticeStore.SetTotalAsync(conn, tx, round.NotificationId, recipients.Count);
        await NoticeStore.InsertNoticesAsync(conn, round.NotificationId, caseId, round.Kind,
            recipients.Take(10).Select(r => (r, NoticeModes.Plain)), DateTimeOffset.UtcNow, CancellationToken.None);
        await tx.CommitAsync();
        return (caseId, round);
    }

    // All 30 sent, each recipient once, and the round done with its total of 30.
    private static async Task AssertCompletedWithOneNoticeEachAsync(NotifierHarness h, NpgsqlConnection conn, Guid caseId, NotifyDownstream round)
    {
        await h.WaitForNoticesAsync(caseId, n => n.Counts.GetValueOrDefault("sent") == 30);
        await h.Sink.WaitForMessagesAsync(30, TimeSpan.FromSeconds(30));
        await Task.Delay(1000);
        var recipientsInSink = h.Sink.Messages().Select(f => MimeMessage.Load(f).To.Mailboxes.Single().Address).ToList();
        Assert.Equal(30, recipientsInSink.Count);
        Assert.Equal(30, recipientsInSink.Distinct().Count());

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await CompletedAtAsync(conn, round.NotificationId) is null && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.NotNull(await CompletedAtAsync(conn, round.NotificationId));
        Assert.Equal(30, await conn.ExecuteScalarAsync<int>("SELECT total FROM notifications WHERE id = @Id", new { Id = round.NotificationId }));
    }

    // The service's own schema as its search path, as the service opens it.
    private static NpgsqlDataSource ServiceDatabase(NotifierHarness h) =>
        new PostgresOptions { ConnectionString = h.Isolation.ConnectionString }.CreateDataSource(DownstreamNotifierExtensions.Service.Schema);

    private static Task<DateTime?> CompletedAtAsync(NpgsqlConnection conn, Guid id) =>
        conn.ExecuteScalarAsync<DateTime?>("SELECT completed_at FROM notifications WHERE id = @Id", new { Id = id });
}

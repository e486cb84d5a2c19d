using Coordination.Contracts.Notices;
using Coordination.Hosting.Data;
using Dapper;
using DownstreamNotifier.Data;
using DownstreamNotifier.Tests.Support;
using MailSink;

namespace DownstreamNotifier.Tests;

/// <summary>A round is marked done only when, counted under its lock, nothing of it is left to send.</summary>
public sealed class RoundCompletionTests
{
    [Fact]
    public async Task A_round_a_resend_reopens_while_the_reporter_completes_it_is_not_marked_done()
    {
        await using var h = await NotifierHarness.StartAsync(to => new SmtpReply(550, "no such user"));
        var project = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(project, "gone@alpine.test");
        var caseId = Guid.NewGuid();
        var round = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, round, DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        await Db.WaitForRoundDoneAsync(h, round);
        await h.KillServiceAsync(); // its reporter stays out of this

        DapperSetup.Configure();
        await using var database = new PostgresOptions { ConnectionString = h.Isolation.ConnectionString }
            .CreateDataSource(DownstreamNotifierExtensions.Service.Schema);
        await using var conn = await database.OpenConnectionAsync();
        await conn.ExecuteAsync("UPDATE notifications SET completed_at = NULL WHERE id = @Id", new { Id = round }); // as it was just before the reporter's pass

        // A resend puts the failed notice back and reopens the round (as ResendStore does), not committed yet...
        await using var resend = await database.OpenConnectionAsync();
        await using var resendTx = await resend.BeginTransactionAsync();
        await resend.ExecuteAsync("UPDATE notices SET state = 'pending', attempts = 0 WHERE notification_id = @Id", new { Id = round }, resendTx);
        await resend.ExecuteAsync("UPDATE notifications SET completed_at = NULL WHERE id = @Id", new { Id = round }, resendTx);

        // ...while the reporter, which read the round as done (1 failed, nothing pending), completes it.
        await using var reporterTx = await conn.BeginTransactionAsync();
        var completing = NoticeStore.CompleteAsync(conn, reporterTx, round, DateTimeOffset.UtcNow);
        await Task.Delay(500);
        Assert.False(completing.IsCompleted, "the reporter should wait for the resend's lock on the round");
        await resendTx.CommitAsync();

        Assert.Null(await completing);
        await reporterTx.CommitAsync();
        Assert.Null(await conn.ExecuteScalarAsync<DateTime?>("SELECT completed_at FROM notifications WHERE id = @Id", new { Id = round }));
    }
}

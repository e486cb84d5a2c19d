using System.Net.Http.Json;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;
using MailSink;
using Npgsql;

namespace DownstreamNotifier.Tests;

/// <summary>
/// A notice the mail server accepted while a round was cancelling the case's open notices, whose sender's batch was
/// then rolled back (the service killed before it recorded the notice as sent): it went, and stays counted as sent.
/// </summary>
public sealed class AcceptedWhileCancellingTests
{
    [Theory]
    [InlineData("extension")]
    [InlineData("exclusion")]
    public async Task A_notice_accepted_while_a_change_waited_to_cancel_it_is_recorded_as_sent_not_cancelled(string change)
    {
        var hold = 1;
        await using var h = await NotifierHarness.StartAsync(to =>
            Volatile.Read(ref hold) == 1 && to.StartsWith("slow", StringComparison.Ordinal) ? new SmtpReply(451, "try again later") : null);
        var distro = await h.CreateProjectAsync("Distro", ["pkg:pypi/pillow"]);
        await h.CreateContactAsync(distro, "slow@distro.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var first = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), first, ["default"]));
        var embargoed = (await h.WaitForNoticesAsync(caseId, n => n.Counts["deferred"] == 1)).Notices.Single().NoticeId;

        // A sender's batch: it holds the notice while the server accepts it.
        await using var batch = new NpgsqlConnection(h.Isolation.ConnectionString + ";Search Path=notifier");
        await batch.OpenAsync();
        await using var tx = await batch.BeginTransactionAsync();
        await using (var claim = new NpgsqlCommand("SELECT FROM notices WHERE id = $1 FOR UPDATE", batch, tx) { Parameters = { new() { Value = embargoed } } })
            await claim.ExecuteNonQueryAsync();
        // An extension's round cancels the open notices of the old instant, an exclusion those of the project: each
        // waits for the batch.
        var excluding = Task.CompletedTask;
        if (change == "extension")
            await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, Guid.NewGuid(), first.AddDays(3), ["default"], "the fix needs longer"));
        else
            excluding = h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = new[] { distro } });
        for (var deadline = DateTime.UtcNow.AddSeconds(30);
             await Db.ScalarAsync<long>(h, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0;
             await Task.Delay(50))
            Assert.True(DateTime.UtcNow < deadline, "the extension never waited for the batch");
        // The server's acceptance is committed (as the acceptance recorder does), then the batch is rolled back.
        await Db.ScalarAsync<object>(h, "INSERT INTO notifier.notice_acceptances (notice_id, server_reply, accepted_at) VALUES ($1, '250 2.0.0 queued', now())", embargoed);
        await tx.RollbackAsync();
        await excluding;
        Volatile.Write(ref hold, 0);

        var total = change == "extension" ? 2 : 1;
        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["pending"] + n.Counts["deferred"] == 0 && n.Counts["total"] == total);
        Assert.Equal("sent", done.Notices.Single(n => n.NoticeId == embargoed).State);
        Assert.All(done.Notices, n => Assert.Equal("sent", n.State));
    }
}

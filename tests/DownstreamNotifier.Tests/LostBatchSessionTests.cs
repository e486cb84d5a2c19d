using System.Net.Http.Json;
using Coordination.Contracts.Notices;
using Coordination.Testing;
using Dapper;
using DownstreamNotifier.Tests.Support;
using MimeKit;
using Npgsql;

namespace DownstreamNotifier.Tests;

/// <summary>
/// A sender's batch whose database session goes while the service runs on (here pg_terminate_backend; a proxy's idle
/// timeout or a failover in life) loses its rows' locks, and another worker (here another instance's) claims the
/// notices not yet accepted. The worker that lost them stops sending them within a second, so only the notice in
/// flight can go twice.
/// </summary>
public sealed class LostBatchSessionTests
{
    [Fact]
    public async Task A_worker_whose_batch_session_is_lost_stops_sending_that_batch_and_another_sends_the_rest_once()
    {
        const int contacts = 30;
        // One worker, which claims the whole round in one batch.
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Smtp__MaxConnections"] = "1", ["Notifier__BatchSize"] = $"{contacts}" });
        var rows = new[]
        {
            new
            {
                name = "Fedora python3", packages = new[] { "pkg:pypi/urllib3" },
                contacts = Enumerable.Range(0, contacts).Select(c => new { name = $"C{c}", email = $"c{c}@fedora.test" }).ToArray(),
            },
        };
        (await h.Http.PostAsJsonAsync("import", rows)).EnsureSuccessStatusCode();
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        h.Sink.ReplyDelayAfterData = TimeSpan.FromSeconds(1); // the batch takes half a minute, the second instance's start seconds
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        await h.Sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60));
        // A second instance, whose worker finds every notice locked, until:
        await using var other = ServiceProcess.Start("DownstreamNotifier", h.Settings);
        await other.WaitUntilReadyAsync();
        var sentBefore = h.Sink.Messages().Count;
        Assert.InRange(sentBefore, 1, contacts - 5); // enough of the batch left to tell

        await using (var admin = new NpgsqlConnection(h.Isolation.ConnectionString))
        {
            var terminated = await admin.ExecuteScalarAsync<bool>("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'downstream-notifier delivery' AND state = 'idle in transaction'
                ORDER BY xact_start LIMIT 1
                """);
            Assert.True(terminated); // the first worker's batch session, waiting on the mail server
        }

        await h.WaitForNoticesAsync(caseId, n => n.Counts.GetValueOrDefault("sent") == contacts, TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(3)); // a notice the first worker went on to send would be in by now
        var recipients = h.Sink.Messages().Select(f => MimeMessage.Load(f).To.Mailboxes.Single().Address).ToList();
        Assert.Equal(contacts, recipients.Distinct().Count());
        Assert.InRange(recipients.Count - contacts, 0, 1); // the notice in flight when the session went, at most
    }
}

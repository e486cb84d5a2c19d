using Coordination.Contracts.Notices;
using Coordination.Hosting.Data;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Tests.Support;
using MailSink;
using Npgsql;

namespace DownstreamNotifier.Tests;

public sealed class ClaimBatchTests
{
    [Fact]
    public async Task A_claim_from_the_cursor_that_finds_less_than_a_batch_fills_it_from_the_start()
    {
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Smtp__MaxConnections"] = "1" });
        await h.KillServiceAsync(); // only its migrated schema is wanted: nothing may claim the rows but this test
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        await using var conn = new NpgsqlConnection(h.Isolation.ConnectionString + ";Search Path=notifier");
        await conn.OpenAsync();
        var notification = Guid.NewGuid();
        var caseId = Guid.NewGuid();
        foreach (var sql in new[]
        {
            """
            INSERT INTO notifications (id, case_id, kind, disclosure_at, channels, advisory_urls, total, created_at)
            VALUES ($1, $2, 'embargoed', now() + interval '7 days', '{}', '{}', 6, now())
            """,
            """
            INSERT INTO notices (notification_id, case_id, contact_id, project_id, email, kind, mode, next_attempt_at)
            SELECT $1, $2, gen_random_uuid(), gen_random_uuid(), 'c' || i || '@x.test', 'embargoed', 'plain', $3 + i * interval '1 second'
            FROM generate_series(1, 6) i
            """,
        })
        {
            await using var cmd = new NpgsqlCommand(sql, conn) { Parameters = { new() { Value = notification }, new() { Value = caseId }, new() { Value = t0 } } };
            if (sql.Contains("INTO notifications")) cmd.Parameters.RemoveAt(2);
            await cmd.ExecuteNonQueryAsync();
        }
        var ids = new List<long>();
        await using (var cmd = new NpgsqlCommand("SELECT id FROM notices WHERE notification_id = $1 ORDER BY next_attempt_at", conn) { Parameters = { new() { Value = notification } } })
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));

        // The service's Dapper conventions first: Dapper caches a statement's row reader for the whole test process, and
        // one built without snake_case matching here broke every later test that claims (no NotificationId).
        DapperSetup.Configure();
        // The cursor stands after the third row: three are due after it, and a batch is four.
        await using var tx = await conn.BeginTransactionAsync();
        var batch = NoticeStore.ClaimBatch(conn, tx, DateTimeOffset.UtcNow, 4, new ClaimCursor.Position(t0.AddSeconds(3), ids[2]), ["distros"]);
        Assert.Equal([ids[0], ids[3], ids[4], ids[5]], batch.Select(n => n.Id).Order());

        // All due after it: nothing is claimed twice.
        var all = NoticeStore.ClaimBatch(conn, tx, DateTimeOffset.UtcNow, 10, new ClaimCursor.Position(t0, 0), ["distros"]);
        Assert.Equal(ids, all.Select(n => n.Id).Order());
    }

    [Fact]
    public async Task A_batch_held_open_while_a_slow_server_answers_outlives_idle_in_transaction_session_timeout()
    {
        await using var h = await NotifierHarness.StartAsync(to =>
        {
            if (to.StartsWith("slow", StringComparison.Ordinal)) Thread.Sleep(1500);
            return null;
        }, extra: new() { ["Smtp__MaxConnections"] = "2" });
        // Every session of the service now ends after 500 ms idle in a transaction.
        await h.KillServiceAsync();
        h.Settings["Postgres__ConnectionString"] += ";Options=-c idle_in_transaction_session_timeout=500";
        await h.StartServiceAsync();

        var project = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(project, "slow@alpine.test");
        for (var i = 0; i < 4; i++) await h.CreateContactAsync(project, $"fine{i}@alpine.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));

        await h.WaitForNoticesAsync(caseId, c => c.Counts.GetValueOrDefault("sent") == 5);
        await Task.Delay(1000);
        Assert.Equal(5, h.Sink.Messages().Count);
        Assert.DoesNotContain("Sender worker", h.Service.Output); // no batch failed under it
        Assert.DoesNotContain("had accepted before a restart", h.Service.Output);
    }
}

using Coordination.Hosting.Data;
using Coordination.Hosting.Mail;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Tests;

/// <summary>The group commit of SMTP acceptances, against the real database (the service only migrates it).</summary>
public sealed class AcceptanceRecorderTests
{
    [Fact]
    public async Task An_acceptance_is_committed_when_its_wait_returns_and_workers_acceptances_share_commits()
    {
        const int workers = 4, perWorker = 60;
        await using var h = await NotifierHarness.StartAsync();
        await h.KillServiceAsync();
        var dataSource = new DeliveryDataSource(Options.Create(new PostgresOptions { ConnectionString = h.Isolation.ConnectionString }));
        var recorder = new AcceptanceRecorder(dataSource, Options.Create(new SmtpOptions { MaxConnections = workers }), NullLogger<AcceptanceRecorder>.Instance);
        await using var check = new NpgsqlConnection(h.Isolation.ConnectionString);
        await check.OpenAsync();
        var checkGate = new SemaphoreSlim(1);
        var missing = 0;

        // Each worker as the sender does it: it records an acceptance, and before the next one waits for all but
        // the last it left; after a wait returns, that acceptance must be in the table for anyone to see.
        // Threads of their own, as the sender's workers have: blocked thread-pool threads would run two at a time.
        var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            var uncommitted = new Queue<(long Id, AcceptanceRecorder.Pending Pending)>();
            for (var i = 0; i < perWorker; i++)
            {
                while (uncommitted.Count > AcceptanceRecorder.UncommittedPerWorker) Committed(uncommitted.Dequeue());
                long id = w * 1000 + i;
                uncommitted.Enqueue((id, recorder.Record(id, "250 2.0.0 Ok", DateTimeOffset.UtcNow)));
            }
            while (uncommitted.Count > 0) Committed(uncommitted.Dequeue());
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        recorder.Dispose();
        dataSource.Dispose();

        Assert.Equal(0, missing);
        await using var rows = new NpgsqlCommand("SELECT count(*), count(DISTINCT xmin::text) FROM notifier.notice_acceptances", check);
        await using var reader = await rows.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (recorded, transactions) = (reader.GetInt64(0), reader.GetInt64(1));
        Assert.Equal(workers * perWorker, recorded);
        // Rows written by one statement share its transaction id. Waiting for each acceptance before the next, a group
        // could hold at most one per worker; each worker leaving one uncommitted, groups must be larger than that.
        Assert.True(recorded > workers * transactions, $"{recorded} acceptances in {transactions} commits");

        void Committed((long Id, AcceptanceRecorder.Pending Pending) a)
        {
            a.Pending.WaitCommitted();
            if (a.Id % 10 != 0) return; // not all: a query after each would slow the workers down to one per group
            checkGate.Wait();
            try
            {
                using var seen = new NpgsqlCommand("SELECT count(*) FROM notifier.notice_acceptances WHERE notice_id = $1", check) { Parameters = { new() { Value = a.Id } } };
                if ((long)seen.ExecuteScalar()! != 1) Interlocked.Increment(ref missing);
            }
            finally { checkGate.Release(); }
        }
    }
}

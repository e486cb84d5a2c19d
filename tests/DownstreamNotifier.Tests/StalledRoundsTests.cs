using Coordination.Hosting;
using Coordination.Hosting.Data;
using Coordination.Testing;
using Dapper;
using DownstreamNotifier.Delivery;
using Npgsql;
using static DownstreamNotifier.Delivery.StalledRounds;

namespace DownstreamNotifier.Tests;

/// <summary>When a stalled round is sent again, counted in the round's row of a real database (shared by instances).</summary>
public sealed class StalledRoundsTests
{
    private static readonly DateTimeOffset Started = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Overdue = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_round_is_sent_again_once_overdue_then_after_each_further_period_and_given_up_on_once()
    {
        await using var database = await DatabaseAsync();
        var stalled = new StalledRounds(Overdue, Started);
        var created = Started.AddMinutes(1);
        var round = await RoundAsync(database, created);

        Assert.Equal((Verdict.Wait, 0), await CheckAsync(database, stalled, round, created + Overdue));
        var now = created + Overdue + TimeSpan.FromSeconds(1);
        Assert.Equal((Verdict.Resend, 1), await CheckAsync(database, stalled, round, now));
        Assert.Equal((Verdict.Wait, 0), await CheckAsync(database, stalled, round, now + Overdue)); // counted from the resend
        for (var resend = 2; resend <= MaxResends; resend++)
        {
            now += Overdue + TimeSpan.FromSeconds(1);
            Assert.Equal((Verdict.Resend, resend), await CheckAsync(database, stalled, round, now));
        }
        now += Overdue + TimeSpan.FromSeconds(1);
        Assert.Equal((Verdict.GiveUp, 0), await CheckAsync(database, stalled, round, now));
        Assert.Equal((Verdict.Wait, 0), await CheckAsync(database, stalled, round, now + 10 * Overdue));
    }

    [Fact]
    public async Task A_round_older_than_the_process_is_counted_from_the_start()
    {
        await using var database = await DatabaseAsync();
        var stalled = new StalledRounds(Overdue, Started);
        var round = await RoundAsync(database, Started.AddDays(-1)); // interrupted by the crash this process started after

        Assert.Equal((Verdict.Wait, 0), await CheckAsync(database, stalled, round, Started + Overdue));
        Assert.Equal((Verdict.Resend, 1), await CheckAsync(database, stalled, round, Started + Overdue + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Instances_checking_a_round_at_once_send_it_again_once_in_all_and_give_it_up_once()
    {
        await using var database = await DatabaseAsync();
        var instances = Enumerable.Range(0, 4).Select(i => new StalledRounds(Overdue, Started.AddSeconds(-i))).ToList();
        var round = await RoundAsync(database, Started);
        var now = Started + Overdue + TimeSpan.FromSeconds(1);

        for (var resend = 1; resend <= MaxResends + 1; resend++, now += Overdue + TimeSpan.FromSeconds(1))
        {
            var verdicts = await AtOnceAsync(database, instances, round, now);
            var expected = resend <= MaxResends ? (Verdict.Resend, resend) : (Verdict.GiveUp, 0);
            Assert.Equal(1, verdicts.Count(v => v == expected));
            Assert.Equal(instances.Count - 1, verdicts.Count(v => v == (Verdict.Wait, 0)));
        }
        Assert.All(await AtOnceAsync(database, instances, round, now + 10 * Overdue), v => Assert.Equal((Verdict.Wait, 0), v));
    }

    [Fact]
    public async Task A_round_whose_notices_are_all_recorded_or_which_is_done_is_not_sent_again()
    {
        await using var database = await DatabaseAsync();
        var stalled = new StalledRounds(Overdue, Started);
        var (recorded, done, control) = (await RoundAsync(database, Started), await RoundAsync(database, Started), await RoundAsync(database, Started));
        await using (var conn = await database.OpenConnectionAsync())
        {
            await conn.ExecuteAsync("UPDATE notifications SET notices_recorded_at = now() WHERE id = @Id", new { Id = recorded });
            await conn.ExecuteAsync("UPDATE notifications SET notices_recorded_at = now(), completed_at = now() WHERE id = @Id", new { Id = done });
        }
        var now = Started + 10 * Overdue;

        Assert.Equal((Verdict.Wait, 0), await CheckAsync(database, stalled, recorded, now));
        Assert.Equal((Verdict.Wait, 0), await CheckAsync(database, stalled, done, now));
        Assert.Equal((Verdict.Resend, 1), await CheckAsync(database, stalled, control, now));
    }

    /// <summary>Each instance checks the round on a connection of its own, all started together.</summary>
    private static async Task<List<(Verdict, int)>> AtOnceAsync(NpgsqlDataSource database, List<StalledRounds> instances, Guid round, DateTimeOffset now)
    {
        using var go = new SemaphoreSlim(0);
        var checks = instances.Select(async stalled =>
        {
            await using var conn = await database.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await go.WaitAsync();
            var verdict = await stalled.CheckAsync(conn, tx, round, now);
            await tx.CommitAsync();
            return verdict;
        }).ToList();
        go.Release(instances.Count);
        return (await Task.WhenAll(checks)).ToList();
    }

    private static async Task<(Verdict, int)> CheckAsync(NpgsqlDataSource database, StalledRounds stalled, Guid round, DateTimeOffset now)
    {
        await using var conn = await database.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var verdict = await stalled.CheckAsync(conn, tx, round, now);
        await tx.CommitAsync();
        return verdict;
    }

    private static async Task<NpgsqlDataSource> DatabaseAsync()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("stalled");
        MigrationRunner.Apply(isolation.ConnectionString, DownstreamNotifierExtensions.Service.Schema,
            typeof(ServiceInfo).Assembly, typeof(DownstreamNotifierExtensions).Assembly);
        return new PostgresOptions { ConnectionString = isolation.ConnectionString }.CreateDataSource(DownstreamNotifierExtensions.Service.Schema);
    }

    /// <summary>A round with none of its notices recorded, begun at <paramref name="createdAt"/>.</summary>
    private static async Task<Guid> RoundAsync(NpgsqlDataSource database, DateTimeOffset createdAt)
    {
        var id = Guid.NewGuid();
        await using var conn = await database.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            INSERT INTO notifications (id, case_id, kind, disclosure_at, total, created_at)
            VALUES (@Id, @CaseId, 'Embargoed', @CreatedAt + interval '7 days', 30, @CreatedAt)
            """, new { Id = id, CaseId = Guid.NewGuid(), CreatedAt = createdAt.UtcDateTime });
        return id;
    }

    [Fact]
    public void A_stalled_draft_round_s_revision_is_found_again_from_its_id()
    {
        var caseId = Guid.NewGuid();
        Assert.Equal(7, DownstreamNotifier.Consumers.DraftRoundIds.RevisionOf(caseId, DownstreamNotifier.Consumers.DraftRoundIds.For(caseId, 7), 12));
        Assert.Equal(0, DownstreamNotifier.Consumers.DraftRoundIds.RevisionOf(caseId, DownstreamNotifier.Consumers.DraftRoundIds.For(caseId, 0), 3));
        Assert.Null(DownstreamNotifier.Consumers.DraftRoundIds.RevisionOf(caseId, DownstreamNotifier.Consumers.DraftRoundIds.For(caseId, 13), 12));
        Assert.Null(DownstreamNotifier.Consumers.DraftRoundIds.RevisionOf(caseId, Guid.NewGuid(), 12)); // a member's warning round
    }
}

using System.Net;
using Coordination.Contracts.Cases;
using Coordination.Hosting.Auth;
using Dapper;
using Intake.Tests.Support;
using Npgsql;

namespace Intake.Tests;

/// <summary>
/// The event leaves only if the transaction committed. A deferred constraint trigger on outbox_messages (installed by
/// the test in its own database) fails the COMMIT after the outbox row was written: the request fails, and neither
/// the row nor the event exists. Then the trigger is dropped and a second edit goes through, so the test knows the
/// dispatcher has run since the failure before asserting that only the second event arrived.
/// </summary>
public sealed class OutboxAfterCommitTests : IAsyncLifetime
{
    private const string InstallFailure = """
        CREATE FUNCTION intake.fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'forced failure at commit'; END; $$;
        CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT ON intake.outbox_messages
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION intake.fail_at_commit();
        """;

    private IntakeFixture f = null!;

    public async Task InitializeAsync() => f = await IntakeFixture.StartAsync();

    public async Task DisposeAsync() => await f.DisposeAsync();

    [Fact]
    public async Task A_transaction_that_fails_after_writing_the_outbox_leaves_no_row_and_no_event()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var (reportId, _) = await Samples.SubmitReport(f.Host.Client());
        var caseId = await Samples.OpenCase(member, reportId);
        await f.Bus.WaitForAsync<CaseOpened>(e => e.CaseId == caseId);

        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        await conn.ExecuteAsync(InstallFailure);

        var failed = await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = Samples.Draft("Never committed") });
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.DoesNotContain("Never committed", await failed.Content.ReadAsStringAsync());
        var (otherReport, _) = await Samples.SubmitReport(f.Host.Client());
        Assert.Equal(HttpStatusCode.InternalServerError, (await member.Post("cases", new { reportIds = new[] { otherReport } })).StatusCode);

        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.draft_revisions"));
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("SELECT draft_revision FROM intake.cases WHERE id = @caseId", new { caseId }));
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.cases"));
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.outbox_messages"));

        await conn.ExecuteAsync("DROP TRIGGER fail_at_commit ON intake.outbox_messages");
        var saved = await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = Samples.Draft("Committed") });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var updated = await f.Bus.WaitForAsync<AdvisoryDraftUpdated>(e => e.CaseId == caseId);
        Assert.Equal("Committed", updated.Draft.Title);
        Assert.Equal(1, updated.Revision);
        await Task.Delay(300);
        Assert.Single(f.Bus.All<AdvisoryDraftUpdated>());
        Assert.Single(f.Bus.All<CaseOpened>());
    }
}

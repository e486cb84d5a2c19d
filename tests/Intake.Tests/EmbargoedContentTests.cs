using System.Net;
using Coordination.Hosting.Auth;
using Dapper;
using Intake.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Intake.Tests;

/// <summary>Report text and draft content never reach a log line, even at Debug level and when a request fails.</summary>
public sealed class EmbargoedContentTests
{
    private const string Secret = "SECRET-7f3a9c";

    [Fact]
    public async Task Report_and_draft_text_never_appear_in_any_log_line()
    {
        var logs = new CapturingLoggerProvider();
        await using var f = await IntakeFixture.StartAsync(configure: b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Debug);
            b.Services.AddSingleton<ILoggerProvider>(logs);
        });
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var (reportId, _) = await Samples.SubmitReport(f.Host.Client(), Samples.Report("crash details " + Secret));
        Assert.Equal(HttpStatusCode.BadRequest, (await f.Host.Client().Post("reports", new { description = Secret, reporterEmail = Secret })).StatusCode);
        var caseId = await Samples.OpenCase(member, reportId);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"reports/{reportId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = Samples.Draft("Title " + Secret) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.Put($"cases/{caseId}/draft", new { revision = 1, draft = new { title = Secret, cveId = Secret } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.Put($"cases/{caseId}/draft", new { revision = Secret, draft = new { title = Secret } })).StatusCode);
        await f.Bus.WaitForAsync<Coordination.Contracts.Cases.AdvisoryDraftUpdated>(e => e.CaseId == caseId);

        await using (var conn = new NpgsqlConnection(f.Isolation.ConnectionString))
        {
            await conn.ExecuteAsync("""
                CREATE FUNCTION intake.fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced'; END; $$;
                CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT ON intake.outbox_messages
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION intake.fail_at_commit();
                """);
        }
        Assert.Equal(HttpStatusCode.InternalServerError, (await member.Put($"cases/{caseId}/draft", new { revision = 1, draft = Samples.Draft("Failing " + Secret) })).StatusCode);

        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, l => l.Contains(caseId.ToString()));
        var leaks = logs.Lines.Where(l => l.Contains(Secret)).ToList();
        Assert.True(leaks.Count == 0, "embargoed text in logs:\n" + string.Join("\n", leaks));
    }
}

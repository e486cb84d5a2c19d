using System.Net;
using Coordination.Contracts.Members;
using Coordination.Hosting.Auth;
using Dapper;
using Intake.Tests.Support;
using Npgsql;

namespace Intake.Tests.Governance;

/// <summary>The public list, the admin minimum, leaving and removal, and the inactivity report.</summary>
public sealed class TeamTests : IAsyncLifetime
{
    private IntakeFixture f = null!;
    private GovernanceTeam team = null!;

    public async Task InitializeAsync()
    {
        f = await IntakeFixture.StartAsync();
        team = new GovernanceTeam(f);
    }

    public async Task DisposeAsync() => await f.DisposeAsync();

    [Fact]
    public async Task The_public_list_shows_name_handle_role_and_since_and_nothing_private()
    {
        var ann = await team.AddAsync("ann", Roles.Admin);
        var rm = await team.AddAsync("rel-mgr", Roles.ReleaseManager);
        var gone = await team.AddAsync("gone");
        Assert.Equal(HttpStatusCode.OK, (await team.Root.Post($"team/{gone.Id}/removal", new { reason = "asked to leave" })).StatusCode);
        using var anonymous = f.Host.Client();

        var response = await anonymous.GetAsync("team");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var list = (await response.Json()).EnumerateArray().ToList();
        Assert.Equal(["ann", "rel-mgr"], list.Select(e => e.GetProperty("publicHandle").GetString()).Order());
        Assert.All(list, e => Assert.Equal(["name", "publicHandle", "role", "since"], e.EnumerateObject().Select(p => p.Name).Order()));
        Assert.Equal("release-manager", list.Single(e => e.GetProperty("publicHandle").GetString() == "rel-mgr").GetProperty("role").GetString());
        foreach (var secret in new[] { "@example.org", ann.Id.ToString(), rm.Id.ToString(), ann.Token, "gone" })
            Assert.DoesNotContain(secret, text);

        foreach (var url in new[] { "team.csv", "team?format=csv" })
        {
            var csv = await anonymous.GetAsync(url);
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("name,public_handle,role,since", lines[0]);
            Assert.Equal(3, lines.Length);
            Assert.StartsWith("Person ann,ann,admin,", lines[1]);
            Assert.DoesNotContain(lines, l => l.Contains('@') || l.Contains(ann.Id.ToString()) || l.Contains("gone"));
        }
        Assert.Equal(["format"], await (await anonymous.GetAsync("team?format=xml")).ErrorFields());
    }

    [Fact]
    public async Task The_team_keeps_at_least_two_admins_whichever_way_one_would_go()
    {
        var a1 = await team.AddAsync("adm1", Roles.Admin);
        var a2 = await team.AddAsync("adm2", Roles.Admin);

        var removal = await a1.Http.Post($"team/{a2.Id}/removal", new { reason = "test" });
        Assert.Equal(HttpStatusCode.Conflict, removal.StatusCode);
        Assert.Contains("at least 2 admins", (await removal.Json()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await a1.Http.DeleteAsync($"members/{a2.Id}?reason=inactive")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await a1.Http.Put($"team/{a2.Id}/role", new { role = Roles.Member })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await a2.Http.Post("team/leave", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a2.Http.GetAsync("me")).StatusCode);

        var a3 = await team.AddAsync("adm3", Roles.Admin);
        var demoted = await a1.Http.Put($"team/{a2.Id}/role", new { role = Roles.Member });
        Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
        // Tokens carry the role they were issued with: the demoted admin's token stops working.
        Assert.Equal(HttpStatusCode.Unauthorized, (await a2.Http.GetAsync("me")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await a1.Http.Post($"team/{a3.Id}/removal", new { reason = "test" })).StatusCode);
        Assert.Equal(["role"], await (await a1.Http.Put($"team/{a3.Id}/role", new { role = "owner" })).ErrorFields());
    }

    [Fact]
    public async Task Leaving_revokes_tokens_at_once_lists_open_cases_and_keeps_past_actions_under_the_name()
    {
        var leaver = await team.AddAsync("leaver");
        var other = await team.AddAsync("stays");
        var (reportId, _) = await Samples.SubmitReport(f.Host.Client());
        var caseId = await Samples.OpenCase(leaver.Http, reportId);

        var left = await leaver.Http.Post("team/leave", new { reason = "moving on" });
        Assert.Equal(HttpStatusCode.OK, left.StatusCode);
        var json = await left.Json();
        Assert.Equal(1, json.GetProperty("tokensRevoked").GetInt32());
        Assert.Equal([caseId], json.GetProperty("casesToReassign").EnumerateArray().Select(c => c.GetProperty("caseId").GetGuid()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await leaver.Http.GetAsync("me")).StatusCode);
        Assert.Equal(leaver.Id, (await f.Bus.WaitForAsync<MemberAccessRevoked>(r => r.MemberId == leaver.Id)).MemberId);
        var leftEvent = await f.Bus.WaitForAsync<MemberLeft>(l => l.MemberId == leaver.Id);
        Assert.Equal(("moving on", leaver.Id), (leftEvent.Reason, leftEvent.RemovedBy));

        var timeline = await (await other.Http.GetAsync($"cases/{caseId}/timeline")).Content.ReadAsStringAsync();
        Assert.Contains(leaver.Name, timeline);
        Assert.Equal(HttpStatusCode.Unauthorized, (await leaver.Http.Post("team/leave", new { })).StatusCode);
    }

    [Fact]
    public async Task Removal_by_an_admin_needs_a_reason_and_records_it()
    {
        var target = await team.AddAsync("target");
        Assert.Equal(["reason"], await (await team.Root.Post($"team/{target.Id}/removal", new { })).ErrorFields());
        Assert.Equal(HttpStatusCode.Forbidden, (await target.Http.Post($"team/{target.Id}/removal", new { reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await team.Root.Post($"team/{target.Id}/removal", new { reason = "inactive for two years" })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await target.Http.GetAsync("me")).StatusCode);
        Assert.Equal("inactive for two years", (await f.Bus.WaitForAsync<MemberLeft>(l => l.MemberId == target.Id)).Reason);
        Assert.Equal(HttpStatusCode.NotFound, (await team.Root.Post($"team/{target.Id}/removal", new { reason = "again" })).StatusCode);
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        Assert.Equal("inactive for two years", await conn.ExecuteScalarAsync<string>(
            "SELECT removal_reason FROM intake.members WHERE id = @Id", new { target.Id }));
    }

    [Fact]
    public async Task The_inactivity_report_lists_members_without_case_actions_and_never_the_exempt()
    {
        var active = await team.AddAsync("active");
        var idle = await team.AddAsync("idle");
        var exempt = await team.AddAsync("exempt");
        var releaseManager = await team.AddAsync("rm", Roles.ReleaseManager);
        Assert.Equal(HttpStatusCode.NoContent, (await team.Root.Put($"team/{exempt.Id}/exemption", new { exempt = true })).StatusCode);
        Assert.Equal(["exempt"], await (await team.Root.Put($"team/{exempt.Id}/exemption", new { })).ErrorFields());
        var (reportId, _) = await Samples.SubmitReport(f.Host.Client());
        await Samples.OpenCase(active.Http, reportId);

        var report = await (await idle.Http.GetAsync("team/inactivity")).Json();
        var listed = report.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("publicHandle").GetString()).ToList();
        Assert.Equal(["idle"], listed);
        Assert.True(report.GetProperty("since").GetDateTimeOffset() < DateTimeOffset.UtcNow.AddDays(-364));

        await Task.Delay(200);
        var sinceNow = DateTimeOffset.UtcNow.ToString("O");
        var later = await (await idle.Http.GetAsync($"team/inactivity?since={Uri.EscapeDataString(sinceNow)}")).Json();
        Assert.Equal(["active", "idle"], later.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("publicHandle").GetString()).Order());
        Assert.Equal(["since"], await (await idle.Http.GetAsync($"team/inactivity?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}")).ErrorFields());
        _ = releaseManager;
    }
}

using System.Net;
using System.Text;
using Coordination.Hosting.Auth;
using Dapper;
using Intake.Tests.Support;
using Npgsql;

namespace Intake.Tests;

/// <summary>Inputs found to answer 500 or an unclear 400: each is a 400 naming the field, or is taken as what it means.</summary>
public sealed class BadHttpInputTests : IAsyncLifetime
{
    private IntakeFixture f = null!;

    public async Task InitializeAsync() => f = await IntakeFixture.StartAsync();

    public async Task DisposeAsync() => await f.DisposeAsync();

    [Fact]
    public async Task A_token_expiry_written_with_another_offset_is_stored_as_that_instant()
    {
        using var admin = f.Host.Client(f.Host.Token(Roles.Admin));
        var created = await admin.Post("members", new { name = "Olga", email = "olga@example.org", publicHandle = "olga", role = Roles.Member });
        var id = (await created.Json()).GetProperty("id").GetGuid();

        var issued = await admin.Post($"members/{id}/tokens", new { expiresAt = "2030-01-01T02:00:00+02:00" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var tokenId = (await issued.Json()).GetProperty("tokenId").GetGuid();

        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        var stored = await conn.QuerySingleAsync<DateTime>("SELECT expires_at FROM intake.member_tokens WHERE id = @tokenId", new { tokenId });
        Assert.Equal(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), stored.ToUniversalTime());
    }

    [Fact]
    public async Task An_instant_without_its_offset_is_a_400_saying_so_not_read_in_the_servers_zone()
    {
        using var admin = f.Host.Client(f.Host.Token(Roles.Admin));
        var created = await admin.Post("members", new { name = "Piet", email = "piet@example.org", publicHandle = "piet", role = Roles.Member });
        var id = (await created.Json()).GetProperty("id").GetGuid();
        var caseId = await Samples.OpenCase(admin, (await Samples.SubmitReport(f.Host.Client())).Id);
        foreach (var (response, field) in new[]
                 {
                     (await admin.Post($"members/{id}/tokens", new { expiresAt = "2030-01-01T02:00:00" }), "expiresAt"),
                     (await admin.Post($"cases/{caseId}/embargo", new { disclosureAt = "2030-01-01T02:00:00", channels = new[] { "default" } }), "disclosureAt"),
                     (await admin.Post($"cases/{caseId}/embargo", new { disclosureAt = "2030-01-01", channels = new[] { "default" } }), "disclosureAt"),
                     (await admin.GetAsync("team/inactivity?since=" + Uri.EscapeDataString("2026-01-01T02:00:00")), "since"),
                     (await admin.GetAsync("team/inactivity?since=01-Oct-2026"), "since"), // a 't' and a '-', yet no offset
                 })
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)response.StatusCode} {text}");
            Assert.Equal([field], await response.ErrorFields());
            Assert.Contains("UTC offset", text);
        }
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM intake.member_tokens WHERE member_id = @id", new { id }));
    }

    [Fact]
    public async Task The_inactivity_report_takes_an_instant_written_with_another_offset()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var response = await member.GetAsync("team/inactivity?since=" + Uri.EscapeDataString("2026-01-01T02:00:00+02:00"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), (await response.Json()).GetProperty("since").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_purl_that_decodes_to_a_NUL_is_a_400_naming_the_purl()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        foreach (var purl in new[] { "pkg:generic/%00", "pkg:generic/ns%00/x", "pkg:generic/x?arch=%00", "pkg:generic/x#a%00" })
        {
            var response = await member.Put($"cases/{caseId}/draft", new
            {
                revision = 0,
                draft = new
                {
                    title = "t",
                    affected = new[]
                    {
                        new { ecosystem = "Linux", name = "x", purl, ranges = new[] { new { type = "ECOSYSTEM", events = new[] { new { introduced = "0" } } } } },
                    },
                },
            });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["affected[0].purl"], await response.ErrorFields());
        }
        Assert.Equal(0, (await (await member.GetAsync($"cases/{caseId}/draft")).Json()).GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task An_address_with_a_control_character_in_a_quoted_local_part_is_a_400_naming_it()
    {
        using var admin = f.Host.Client(f.Host.Token(Roles.Admin));
        foreach (var address in new[] { "\"a\\\u0000b\"@example.org", "\"a\u001b[31mb\"@example.org" })
        {
            var report = await f.Host.Client().Post("reports", new { reporterName = "Q", reporterEmail = address, components = new[] { "x" }, description = "d" });
            Assert.Equal(HttpStatusCode.BadRequest, report.StatusCode);
            Assert.Equal(["reporterEmail"], await report.ErrorFields());
            var member = await admin.Post("members", new { name = "Q", email = address, publicHandle = "q-quoted", role = Roles.Member });
            Assert.Equal(HttpStatusCode.BadRequest, member.StatusCode);
            Assert.Equal(["email"], await member.ErrorFields());
        }
    }

    [Fact]
    public async Task An_empty_body_or_a_JSON_null_is_a_400_naming_the_body()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        foreach (var body in new[] { "", "null" })
        {
            var response = await member.PostAsync("cases", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["body"], await response.ErrorFields());
        }
    }

    [Fact]
    public async Task A_body_in_a_charset_that_is_not_known_is_a_400_naming_the_content_type()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var content = new StringContent("{\"reportIds\":[]}");
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json; charset=nonsense");
        var response = await member.PostAsync("cases", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["Content-Type"], await response.ErrorFields());
    }

    [Fact]
    public async Task Parallel_nominations_of_one_handle_open_one_vote_and_refuse_the_others()
    {
        var team = new Governance.GovernanceTeam(f);
        var nominators = await team.AddManyAsync(4, "nominator");
        var responses = await Task.WhenAll(nominators.Select(n => n.Http.Post("nominations", new
        {
            candidateName = "Racing Candidate", contact = "racer@candidates.example", publicHandle = "racer", statement = "Years of triage.",
        })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.nominations WHERE public_handle = 'racer'"));
    }

    [Fact]
    public async Task A_property_given_twice_or_a_number_written_as_a_string_is_a_400_naming_it_and_stores_nothing()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
        var report = """{"reporterName":"Rita","reporterEmail":"rita@example.org","components":["x"],"subject":"s","description":"first",""";
        foreach (var (response, field) in new[]
                 {
                     // Which of the two was meant? The last used to win, unseen by anything that read the first.
                     (await f.Host.Client().PostAsync("reports", Json(report + "\"description\":\"second\"}")), "description"),
                     (await f.Host.Client().PostAsync("reports", Json(report + "\"Description\":\"second\"}")), "Description"),
                     (await member.PostAsync($"cases/{caseId}/credits", Json("""{"revision":"0","name":"Ann","types":["finder"]}""")), "revision"),
                 })
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)response.StatusCode} {text}");
            Assert.Equal([field], await response.ErrorFields());
        }
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports"));
    }
}

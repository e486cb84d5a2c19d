using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;

namespace DownstreamNotifier.Tests;

/// <summary>Inputs found to answer 500, an unclear 400 or to leave mixed data: each now a 400 naming the field, or whole.</summary>
public sealed class BadHttpInputTests
{
    [Fact]
    public async Task A_body_that_does_not_bind_is_a_400_naming_the_field()
    {
        await using var h = await NotifierHarness.StartAsync();
        foreach (var (body, field) in new[]
                 {
                     ("{bad", "body"), ("[]", "body"), ("", "body"), ("null", "body"),
                     ("{\"name\":\"P\",\"packages\":[5]}", "packages[0]"), ("{\"name\":\"P\",\"ecosystem\":\"\\ud800\"}", "ecosystem"),
                 })
        {
            var response = await h.Http.PostAsync("projects", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)response.StatusCode} {text}");
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{body}: {text}");
        }
        var overrides = await h.Http.PutAsync($"cases/{Guid.NewGuid()}/recipients/overrides",
            new StringContent("{\"include\":[\"x\"]}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, overrides.StatusCode);
        Assert.True((await overrides.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("include[0]", out _));
        Assert.DoesNotContain("Unhandled", h.Service.Output);
        Assert.DoesNotContain("unhandled", h.Service.Output);
    }

    [Fact]
    public async Task A_draft_purl_that_decodes_to_a_NUL_matches_nothing_and_the_recipients_still_answer()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Six users", ["pkg:pypi/six"]);
        await h.CreateContactAsync(project, "six@users.test");
        var caseId = Guid.NewGuid();
        // Intake accepted such a purl before it refused it: drafts holding one may exist.
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("Linux", "x", "pkg:generic/%00"), NotifierHarness.Affected("PyPI", "six", "pkg:pypi/six"));

        var response = await h.Http.GetAsync($"cases/{caseId}/recipients");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var recipients = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recipients");
        Assert.Equal("six@users.test", Assert.Single(recipients.EnumerateArray()).GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_round_whose_disclosure_instant_carries_another_offset_is_recorded_and_sent()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Six users", ["pkg:pypi/six"]);
        await h.CreateContactAsync(project, "six@users.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "six", "pkg:pypi/six"));
        var at = DateTimeOffset.UtcNow.AddDays(7).ToOffset(TimeSpan.FromHours(5));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), at, ["default"]));

        await h.WaitForNoticesAsync(caseId, c => c.Counts.GetValueOrDefault("sent") == 1, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Parallel_overrides_of_one_case_leave_one_of_them_whole()
    {
        await using var h = await NotifierHarness.StartAsync();
        var p = new Guid[4];
        for (var i = 0; i < p.Length; i++) p[i] = await h.CreateProjectAsync($"Project {i}", ["pkg:pypi/six"]);
        var requests = new (Guid[] Include, Guid[] Exclude)[] { ([p[0], p[1]], [p[2]]), ([p[3]], [p[1], p[0]]), ([p[2], p[1]], []) };
        for (var round = 0; round < 8; round++)
        {
            var caseId = Guid.NewGuid();
            var responses = await Task.WhenAll(requests.Select(r => h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { include = r.Include, exclude = r.Exclude })));
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

            var recipients = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
            var stored = await StoredOverridesAsync(h, caseId);
            Assert.Contains(requests, r => r.Include.Order().SequenceEqual(stored.Include.Order()) && r.Exclude.Order().SequenceEqual(stored.Exclude.Order()));
            Assert.Equal(JsonValueKind.Object, recipients.ValueKind);
        }
    }

    // Each list is checked against the projects while the case is locked: an unbounded one held the lock for seconds.
    [Fact]
    public async Task Overrides_with_more_than_10000_projects_in_a_list_are_a_400_naming_the_list()
    {
        await using var h = await NotifierHarness.StartAsync();
        var many = Enumerable.Range(0, 10_001).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var (body, field) in new (object, string)[] { (new { include = many }, "include"), (new { exclude = many }, "exclude") })
        {
            var response = await h.Http.PutAsJsonAsync($"cases/{Guid.NewGuid()}/recipients/overrides", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["at most 10000 projects"], (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty(field)
                .EnumerateArray().Select(e => e.GetString()));
        }
    }

    [Fact]
    public async Task A_contact_for_a_project_deleted_meanwhile_is_a_404_and_nothing_is_stored()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Going away", ["pkg:pypi/six"]);
        await using var conn = new Npgsql.NpgsqlConnection(h.Isolation.ConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var delete = new Npgsql.NpgsqlCommand("DELETE FROM notifier.projects WHERE id = $1", conn, tx) { Parameters = { new() { Value = project } } })
            await delete.ExecuteNonQueryAsync();

        // The service still sees the project (the delete is not committed) and its insert waits for the row.
        var creating = h.Http.PostAsJsonAsync($"projects/{project}/contacts", new { name = "late", email = "late@x.test" });
        await Task.Delay(1500);
        await tx.CommitAsync();
        var response = await creating;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("nhandled", h.Service.Output);
    }

    private static async Task<(Guid[] Include, Guid[] Exclude)> StoredOverridesAsync(NotifierHarness h, Guid caseId)
    {
        await using var conn = new Npgsql.NpgsqlConnection(h.Isolation.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT project_id, mode FROM notifier.recipient_overrides WHERE case_id = $1", conn)
            { Parameters = { new() { Value = caseId } } };
        var include = new List<Guid>();
        var exclude = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) (reader.GetString(1) == "include" ? include : exclude).Add(reader.GetGuid(0));
        return (include.ToArray(), exclude.ToArray());
    }
}

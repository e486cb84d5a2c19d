using System.Net;
using System.Net.Http.Json;
using Coordination.Hosting.Auth;
using Dapper;
using Intake.Tests.Support;
using Npgsql;

namespace Intake.Tests;

public sealed class ReportsTests : IAsyncLifetime
{
    private const string Armored = "-----BEGIN PGP MESSAGE-----\n\nhQEMA1a2b3c4d5e6f7ARAAr1\n=AbCd\n-----END PGP MESSAGE-----\n";
    private IntakeFixture f = null!;

    public async Task InitializeAsync() =>
        f = await IntakeFixture.StartAsync(new Dictionary<string, string>
        {
            ["Intake__MaxReportBodyBytes"] = "4096",
            ["Intake__MaxDescriptionChars"] = "1000",
        });

    public async Task DisposeAsync() => await f.DisposeAsync();

    private async Task<long> Count(string table)
    {
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        return await conn.ExecuteScalarAsync<long>($"SELECT count(*) FROM intake.{table}");
    }

    [Fact]
    public async Task Only_the_reporter_token_of_that_report_reads_its_status_and_replies()
    {
        using var anonymous = f.Host.Client();
        var (id, token) = await Samples.SubmitReport(anonymous);
        var (_, otherToken) = await Samples.SubmitReport(anonymous);
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        Assert.Equal(HttpStatusCode.Created, (await member.Post($"reports/{id}/replies", new { body = "Thanks, we are looking at it." })).StatusCode);

        var request = new HttpRequestMessage(HttpMethod.Get, $"reports/{id}") { Headers = { { "X-Reporter-Token", token } } };
        var own = await (await anonymous.SendAsync(request)).Json();
        Assert.Equal("received", own.GetProperty("status").GetString());
        Assert.Equal("Thanks, we are looking at it.", own.GetProperty("replies")[0].GetProperty("body").GetString());
        Assert.False(own.TryGetProperty("description", out _));

        var foreign = new HttpRequestMessage(HttpMethod.Get, $"reports/{id}") { Headers = { { "X-Reporter-Token", otherToken } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.SendAsync(foreign)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"reports/{id}")).StatusCode);

        var full = await (await member.GetAsync($"reports/{id}")).Json();
        Assert.Equal("The parser in example-lib crashes on crafted input; PoC attached.", full.GetProperty("description").GetString());
        Assert.Equal(["FINDER", "REPORTER"], full.GetProperty("creditTypes").EnumerateArray().Select(t => t.GetString()));
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM intake.audit_log WHERE action = 'report.read' AND detail->>'reportId' = @id", new { id = id.ToString() }));
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports WHERE reporter_token_hash = @token", new { token }));

        // The list shows subjects and components: it is audited too, with the reports it showed.
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("reports?limit=5")).StatusCode);
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM intake.audit_log WHERE action = 'reports.listed' AND detail->'reportIds' ? @id", new { id = id.ToString() }));
    }

    [Fact]
    public async Task An_encrypted_report_is_kept_exactly_as_received()
    {
        var (id, _) = await Samples.SubmitReport(f.Host.Client(), Samples.Report(Armored));
        var full = await (await f.Host.Client(f.Host.Token(Roles.Member)).GetAsync($"reports/{id}")).Json();
        Assert.Equal(Armored, full.GetProperty("description").GetString());
        Assert.True(full.GetProperty("encrypted").GetBoolean());
    }

    [Fact]
    public async Task A_bad_report_is_refused_naming_each_field_and_nothing_is_stored()
    {
        var response = await f.Host.Client().Post("reports", new
        {
            reporterName = "", reporterEmail = "rita@", components = new[] { "ok", "" }, description = new string('x', 1001),
            credit = new { wanted = true, types = new[] { "hero" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["components[1]", "credit.types[0]", "description", "reporterEmail", "reporterName"], (await response.ErrorFields()).Order());
        Assert.Equal(["components"], await (await f.Host.Client().Post("reports", new { reporterName = "R", reporterEmail = "r@example.org", description = "d" })).ErrorFields());
        Assert.Equal(["description"], await (await f.Host.Client().Post("reports", Samples.Report("nul \0 inside"))).ErrorFields());
        Assert.Equal(["components[0]", "credit.name", "reporterName", "subject"], (await (await f.Host.Client().Post("reports", new
        {
            reporterName = "R\0", reporterEmail = "r@example.org", components = new[] { "c\0" }, description = "d", subject = "s\0",
            credit = new { wanted = true, name = "n\0" },
        })).ErrorFields()).Order());
        // One-line texts shown in members' terminals and credited in public: no escape sequences, newlines or bidi controls.
        Assert.Equal(["components[0]", "credit.name", "reporterName", "subject"], (await (await f.Host.Client().Post("reports", new
        {
            reporterName = "\u001b]0;pwned\u0007Rita", reporterEmail = "r@example.org", components = new[] { "lib\nFAKE: line" },
            description = "A PoC's output:\n\tcrash\r\n", subject = "poc\u202Etxt.exe", credit = new { wanted = true, name = "Rita\u2066" },
        })).ErrorFields()).Order());
        Assert.Equal(0, await Count("reports"));
    }

    [Fact]
    public async Task A_report_body_over_the_limit_is_refused_with_413_and_nothing_is_stored()
    {
        var big = Samples.Report(new string('x', 8000));
        var chunked = await f.Host.Client().PostAsJsonAsync("reports", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        var sized = new StringContent(System.Text.Json.JsonSerializer.Serialize(big), System.Text.Encoding.UTF8, "application/json");
        await sized.LoadIntoBufferAsync();
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await f.Host.Client().PostAsync("reports", sized)).StatusCode);
        Assert.Equal(0, await Count("reports"));
    }

    [Fact]
    public async Task A_draft_with_bad_fields_is_refused_over_http_naming_the_fields()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        var response = await member.Put($"cases/{caseId}/draft", new
        {
            draft = new
            {
                title = "T",
                affected = new[] { new { ecosystem = "PyPI", name = "x", purl = "pkg:npm/x", ranges = new[] { new { type = "SEMVER", events = new[] { new { @fixed = "1.0.0" } } } } } },
                severity = new { rating = "High", cvssVector = "CVSS:3.1/AV:N" },
                cveId = "CVE-1",
                credits = new[] { new { name = "A", types = new[] { "nobody" } } },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["affected[0].purl", "affected[0].ranges[0].events[0]", "credits[0].types[0]", "cveId", "revision", "severity.cvssVector"],
            (await response.ErrorFields()).Order());
        Assert.Equal(["types[0]"], await (await member.Post($"cases/{caseId}/credits", new { name = "A", types = new[] { "x" } })).ErrorFields());
        Assert.Equal(["title"], await (await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = Samples.Draft("nul \0") })).ErrorFields());
        Assert.Equal(["revision"], await (await member.Put($"cases/{caseId}/draft", new { revision = "one", draft = new { title = "T" } })).ErrorFields());
        Assert.Equal(["affected"], await (await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = new { title = "T", affected = "PyPI" } })).ErrorFields());

        var openApi = await (await f.Host.Client().GetAsync("openapi/v1.json")).Json();
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/cases/{id}/draft", out _));
    }
}

public sealed class ReportRateLimitTests : IAsyncLifetime
{
    private IntakeFixture f = null!;

    public async Task InitializeAsync() => f = await IntakeFixture.StartAsync(new Dictionary<string, string>
    {
        ["Intake__ReportsPermitLimit"] = "2",
        ["Intake__ReportsWindowSeconds"] = "3600",
    });

    public async Task DisposeAsync() => await f.DisposeAsync();

    [Fact]
    public async Task A_client_over_the_report_rate_limit_gets_429_problem_details_and_nothing_is_stored()
    {
        using var http = f.Host.Client();
        await Samples.SubmitReport(http);
        await Samples.SubmitReport(http);
        var third = await http.Post("reports", Samples.Report());
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await third.Json()).GetProperty("status").GetInt32());
        Assert.Equal(2, (await (await f.Host.Client(f.Host.Token(Roles.Member)).GetAsync("reports")).Json()).GetArrayLength());
    }

    private static async Task<HttpStatusCode> SubmitAs(HttpClient http, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "reports") { Content = JsonContent.Create(Samples.Report()) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await http.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Without_a_trusted_proxy_a_forged_X_Forwarded_For_does_not_escape_the_limit()
    {
        using var http = f.Host.Client();
        Assert.Equal(HttpStatusCode.Accepted, await SubmitAs(http, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Accepted, await SubmitAs(http, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SubmitAs(http, "203.0.113.3"));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit()
    {
        await using var proxied = await IntakeFixture.StartAsync(new Dictionary<string, string>
        {
            ["Intake__ReportsPermitLimit"] = "2",
            ["Intake__ReportsWindowSeconds"] = "3600",
            ["Intake__TrustedProxies__0"] = "127.0.0.0/8",
        });
        using var http = proxied.Host.Client();
        Assert.Equal(HttpStatusCode.Accepted, await SubmitAs(http, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Accepted, await SubmitAs(http, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SubmitAs(http, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Accepted, await SubmitAs(http, "198.51.100.7"));
    }
}

public sealed class TrustedProxiesSettingTests
{
    [Theory]
    [InlineData("10.0.0.7", true)]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("2001:db8::/32", true)]
    [InlineData("proxy.example", false)]
    [InlineData("10.0.0.0/99", false)]
    public void A_trusted_proxy_must_be_an_address_or_a_network(string value, bool valid)
    {
        var options = new IntakeOptions { TrustedProxies = ["127.0.0.1", value] };
        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        if (valid) Assert.Empty(errors);
        else Assert.Equal("TrustedProxies:1", Assert.Single(Assert.Single(errors).MemberNames));
    }
}

using System.Net;
using Coord.Output;
using Coord.Tests.Support;

namespace Coord.Tests;

public sealed class ProblemRenderingTests
{
    private const string Validation = """
        {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,
         "errors":{"affected[0].purl":["must not carry a version (@...)"],"severity.cvssVector":["is not a CVSS v3.1 or v4.0 vector"],
                   "credits[1].types[0]":["must be one of FINDER, REPORTER","is listed twice"]}}
        """;

    [Fact]
    public void Every_field_error_becomes_one_line_naming_service_field_and_rule()
    {
        var lines = ProblemFormatter.Lines("intake", HttpStatusCode.BadRequest, Validation);
        Assert.Equal(
        [
            "intake: affected[0].purl: must not carry a version (@...)",
            "intake: severity.cvssVector: is not a CVSS v3.1 or v4.0 vector",
            "intake: credits[1].types[0]: must be one of FINDER, REPORTER",
            "intake: credits[1].types[0]: is listed twice",
        ], lines);
    }

    [Fact]
    public void A_problem_without_errors_is_status_title_and_detail()
    {
        var lines = ProblemFormatter.Lines("embargo-scheduler", HttpStatusCode.Conflict,
            """{"title":"Wrong state","status":409,"detail":"the embargo can only be extended while the case is Embargoed; it is Disclosed"}""");
        Assert.Equal(["embargo-scheduler: 409 Wrong state: the embargo can only be extended while the case is Embargoed; it is Disclosed"], lines);
    }

    [Fact]
    public void An_empty_401_tells_how_to_log_in()
    {
        Assert.Equal(["intake: 401 no valid token (run `coord login` or set COORD_TOKEN)"], ProblemFormatter.Lines("intake", HttpStatusCode.Unauthorized, ""));
    }

    [Fact]
    public async Task A_refused_command_prints_one_line_per_problem_on_stderr_and_exits_1()
    {
        var handler = new CannedHandler(HttpStatusCode.BadRequest, Validation);
        var run = await CliRun.RunAsync(["credit", "add", Guid.NewGuid().ToString(), "--name", "Ada", "--type", "finder"],
            new Dictionary<string, string?> { ["COORD_TOKEN"] = "t" }, handler);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(4, run.Err.Trim().Split('\n').Length);
        Assert.Contains("intake: severity.cvssVector: is not a CVSS v3.1 or v4.0 vector", run.Err);
        Assert.Equal("", run.Out);
        Assert.Equal("Bearer t", handler.Requests.Single().Headers.Authorization?.ToString());
    }

    [Fact]
    public async Task With_json_the_raw_problem_is_printed_on_stdout_too()
    {
        var run = await CliRun.RunAsync(["--json", "report", "list"], handler: new CannedHandler(HttpStatusCode.Forbidden, """{"status":403}"""));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("""{"status":403}""", run.Out.Trim());
        Assert.Equal("intake: 403 your role may not do this", run.Err.Trim());
    }

    [Theory]
    [InlineData(""", "caseMaxExtensions": 2""", "1 of at most 2")]
    [InlineData("", "1 (no limit)")]
    public async Task Embargo_show_tells_the_extensions_had_and_allowed(string limit, string value)
    {
        var body = $$"""{"state":"Embargoed","channels":["distros"],"policy":{"caseMaxDays":14{{limit}}},"extensions":[{"reason":"r"}],"refusals":[]}""";
        var run = await CliRun.RunAsync(["embargo", "show", Guid.NewGuid().ToString()], handler: new CannedHandler(HttpStatusCode.OK, body, "application/json"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.Out.Split('\n'), l => l.TrimStart().StartsWith("extensions ") && l.TrimEnd().EndsWith(" " + value));
    }
}

using System.CommandLine;
using System.Net;
using Coord.Cli;
using Coord.Tests.Support;

namespace Coord.Tests;

public sealed class CliParsingTests
{
    public static TheoryData<string> AllCommands() => new(CommandPaths());

    private static List<string> CommandPaths()
    {
        var data = new List<string>();
        void Walk(Command c, string prefix)
        {
            foreach (var sub in c.Subcommands)
            {
                var path = (prefix + " " + sub.Name).Trim();
                data.Add(path);
                Walk(sub, path);
            }
        }
        Walk(CoordCli.Build(new CliEnvironment()), "");
        return data;
    }

    public static TheoryData<string[], string> ParseErrors => new()
    {
        { ["--json", "case", "show", "not-a-guid"], "not-a-guid" },
        { ["--json", "credit", "add", Guid.NewGuid().ToString(), "--type", "finder"], "--name" },
        { ["advisory", "preview", Guid.NewGuid().ToString(), "--format", "pdf"], "pdf" },
        { ["lgoin"], "lgoin" },
        { ["case", "draft"], "commands: show, edit" },
    };

    [Theory]
    [MemberData(nameof(ParseErrors))]
    public async Task A_command_line_that_does_not_parse_exits_2_with_only_its_errors_on_stderr(string[] args, string named)
    {
        var handler = new CannedHandler(HttpStatusCode.OK, "{}");
        var run = await CliRun.RunAsync(args, handler: handler);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Contains(named, run.Err);
        Assert.DoesNotContain("Usage:", run.Err);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Help_on_a_command_missing_its_arguments_is_still_help()
    {
        var run = await CliRun.RunAsync(["credit", "add", "--help"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Out);
    }

    [Theory]
    [MemberData(nameof(AllCommands))]
    public async Task Every_command_has_help(string command)
    {
        var run = await CliRun.RunAsync([.. command.Split(' '), "--help"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Out);
        Assert.Contains($" {command}", run.Out); // the root is named after the executable: coord, or testhost here
        Assert.Contains("--json", run.Out);
    }

    [Fact]
    public void The_issue_s_commands_all_exist()
    {
        var names = CommandPaths().ToHashSet();
        foreach (var expected in new[]
                 {
                     "login", "whoami", "report submit", "report list", "report show", "case open", "case show", "case timeline", "case draft edit",
                     "credit add", "projects add", "projects import", "projects list", "contacts add", "contacts import", "contacts list", "recipients",
                     "embargo start", "embargo extend", "embargo break", "status", "advisory preview", "demo",
                 })
            Assert.Contains(expected, names);
    }

    [Fact]
    public async Task A_missing_required_option_is_refused_before_any_request()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, "{}");
        var run = await CliRun.RunAsync(["credit", "add", Guid.NewGuid().ToString(), "--type", "finder"], handler: handler);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--name", run.Err);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_case_id_that_is_not_a_guid_is_refused()
    {
        var run = await CliRun.RunAsync(["case", "show", "not-a-guid"]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("not-a-guid", run.Err);
    }

    [Fact]
    public async Task Advisory_preview_accepts_only_the_three_formats()
    {
        var run = await CliRun.RunAsync(["advisory", "preview", Guid.NewGuid().ToString(), "--format", "pdf"]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("pdf", run.Err);
    }

    [Fact]
    public async Task A_value_that_is_not_an_id_in_a_repeatable_option_is_a_usage_error_not_a_crash()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, "{}", "application/json");
        var run = await CliRun.RunAsync(["case", "open", "--report", Guid.NewGuid().ToString(), "bob"], handler: handler);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("Cannot parse argument 'bob' for option '--report' as expected type 'System.Guid'.", run.Err.Trim());
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Credit_add_sends_the_types_upper_cased_to_the_case_s_credits()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, """{"revision":3}""", "application/json");
        var id = Guid.NewGuid();
        var run = await CliRun.RunAsync(["credit", "add", id.ToString(), "--name", "Ada", "--type", "finder", "--type", "reporter"], handler: handler);
        Assert.Equal(0, run.ExitCode);
        var request = handler.Requests.Single();
        Assert.Equal($"http://127.0.0.1:35101/cases/{id}/credits", request.RequestUri!.ToString());
        var body = handler.Bodies.Single()!;
        Assert.Contains("\"types\":[\"FINDER\",\"REPORTER\"]", body);
        Assert.Contains("revision 3", run.Out);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("15m", 900)]
    [InlineData("1d12h", 129600)]
    public void Durations_parse(string text, int seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), Instants.Duration(text));

    [Theory]
    [InlineData("30")]
    [InlineData("3x")]
    [InlineData("1d 2h")]
    public void Bad_durations_are_usage_errors(string text) => Assert.Throws<UsageException>(() => Instants.Duration(text));

    [Fact]
    public void An_instant_without_offset_is_taken_as_UTC()
    {
        var at = Instants.Resolve("2026-12-01T14:00:00", null, DateTimeOffset.UnixEpoch);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 14, 0, 0, TimeSpan.Zero), at);
        Assert.Equal(TimeSpan.Zero, at.Offset);
    }

    [Theory]
    [InlineData("05/06/2027 14:00")]   // read as 6 May by the invariant culture; 5 June to much of the world
    [InlineData("June 5, 2027")]
    [InlineData("2027-06-05T14:00:00+0200")]
    public void An_instant_not_in_ISO_8601_is_a_usage_error(string text) =>
        Assert.Throws<UsageException>(() => Instants.Resolve(text, null, DateTimeOffset.UnixEpoch));

    [Theory]
    [InlineData("2027-06-05T14:00:00Z", "2027-06-05T14:00:00Z")]
    [InlineData("2027-06-05T14:00:00.5+02:00", "2027-06-05T12:00:00.5Z")]
    [InlineData("2027-06-05 14:00", "2027-06-05T14:00:00Z")]
    [InlineData("2027-06-05", "2027-06-05T00:00:00Z")]
    public void ISO_8601_instants_parse(string text, string utc) =>
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), Instants.Resolve(text, null, DateTimeOffset.UnixEpoch));

    [Theory]
    [InlineData("NaN")]
    [InlineData("1e20")]
    [InlineData("0")]
    public async Task A_live_status_interval_out_of_range_is_one_line_and_exit_2(string interval)
    {
        var run = await CliRun.RunAsync(["status", Guid.NewGuid().ToString(), "--interval", interval], new Dictionary<string, string?> { ["COORD_TOKEN"] = "t" });
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("--interval: give seconds between 0.2 and 3600", run.Err.Trim().Split('\n').Last().Replace("coord: ", ""));
    }
}

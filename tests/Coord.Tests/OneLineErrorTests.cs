using System.Net;
using Coord.Cli;
using Coord.Tests.Support;

namespace Coord.Tests;

/// <summary>Bad input coord can see itself (files, settings, durations) and answers it cannot read are one line, never a stack trace.</summary>
public sealed class OneLineErrorTests
{
    private static readonly string Case = Guid.NewGuid().ToString();
    private static readonly string Missing = Path.Combine(Path.GetTempPath(), $"coord-missing-{Guid.NewGuid():N}");

    private static string OneLine(CliRun run)
    {
        Assert.DoesNotContain("   at ", run.Err);
        return Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public static TheoryData<string[], string> MissingFiles => new()
    {
        { ["report", "submit", "--name", "A", "--email", "a@example.org", "--component", "x", "--description-file", Missing + ".txt"], "--description-file" },
        { ["contacts", "add", "--project", Case, "--name", "A", "--email", "a@example.org", "--key", Missing + ".asc"], "--key" },
        { ["case", "draft", "edit", Case, "--file", Missing + ".json"], "--file" },
        { ["projects", "import", Missing + ".csv"], "file" },
    };

    [Theory]
    [MemberData(nameof(MissingFiles))]
    public async Task A_file_that_does_not_exist_is_a_usage_error_naming_the_option(string[] args, string option)
    {
        var handler = new CannedHandler(HttpStatusCode.OK, "{}", "application/json");
        var run = await CliRun.RunAsync(args, new Dictionary<string, string?> { ["COORD_TOKEN"] = "t" }, handler);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"{option}: {Missing}", OneLine(run));
        Assert.Contains("does not exist", run.Err);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("localhost:35101")]
    [InlineData("ftp://127.0.0.1:35101")]
    [InlineData("not a url")]
    public async Task A_service_url_that_is_not_absolute_http_is_a_usage_error_naming_the_variable(string url)
    {
        var run = await CliRun.RunAsync(["report", "list"], new Dictionary<string, string?> { ["COORD_INTAKE_URL"] = url });
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"configuration: COORD_INTAKE_URL: '{url}' is not an http:// or https:// URL (e.g. http://127.0.0.1:35101)", OneLine(run));
    }

    [Fact]
    public async Task A_service_url_in_the_config_file_names_its_key_and_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("coord-config-").FullName;
        var config = Path.Combine(dir, "config.json");
        await File.WriteAllTextAsync(config, """{ "embargoUrl": "127.0.0.1:35102" }""");
        var run = await CliRun.RunAsync(["embargo", "show", Case], new Dictionary<string, string?> { ["COORD_CONFIG"] = config });
        Directory.Delete(dir, recursive: true);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"configuration: embargoUrl in {config}: '127.0.0.1:35102' is not", OneLine(run));
    }

    [Fact]
    public async Task A_success_answer_that_is_not_json_is_a_service_error_of_one_line()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, "<html><body>Welcome to nginx</body></html>", "text/html");
        var run = await CliRun.RunAsync(["case", "show", Case], handler: handler);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("intake answered 200 with a body that is not JSON (", OneLine(run));
    }

    [Theory]
    [InlineData("case", "show")]
    [InlineData("case", "draft", "show")]
    public async Task A_success_answer_of_an_unexpected_shape_is_a_service_error_of_one_line(params string[] command)
    {
        var handler = new CannedHandler(HttpStatusCode.OK, "[1, 2]", "application/json"); // a wrong URL's answer: not an object
        var run = await CliRun.RunAsync([.. command, Case], handler: handler);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("coord: unexpected failure (", OneLine(run));
    }

    [Fact]
    public async Task A_duration_beyond_ten_years_is_a_usage_error_before_any_request()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, "{}", "application/json");
        var run = await CliRun.RunAsync(["embargo", "start", Case, "--in", "999999d999999d999999d999999d"], handler: handler);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("--in: '999999d999999d999999d999999d' is longer than 3650 days", OneLine(run));
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("3650d")]
    [InlineData("3649d23h59m60s")]
    public void Ten_years_is_the_longest_duration(string text) => Assert.Equal(TimeSpan.FromDays(3650), Instants.Duration(text));

    [Theory]
    [InlineData("3650d1s")]
    [InlineData("999999d")]
    public void Longer_durations_are_usage_errors(string text) => Assert.Throws<UsageException>(() => Instants.Duration(text));
}

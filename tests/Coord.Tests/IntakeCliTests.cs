using System.Text.Json.Nodes;
using Coord.Tests.Support;
using Coordination.Hosting.Auth;
using Coordination.Testing;

namespace Coord.Tests;

/// <summary>coord against a real intake process (its own vhost and database), as a member uses it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class IntakeCliTests : IAsyncLifetime
{
    private Isolation isolation = null!;
    private ServiceProcess intake = null!;
    private Dictionary<string, string?> env = null!;

    public async Task InitializeAsync()
    {
        isolation = await TestInfrastructure.CreateIsolationAsync("coord");
        intake = ServiceProcess.Start("Intake", isolation.ServiceSettings());
        await intake.WaitUntilReadyAsync();
        env = new Dictionary<string, string?>
        {
            ["COORD_INTAKE_URL"] = intake.BaseAddress.ToString(),
            ["COORD_TOKEN"] = TestTokens.Issue(isolation.SigningKey, Roles.Admin, name: "Cli Admin"),
        };
    }

    [Fact]
    public async Task A_submitted_report_becomes_a_case_whose_timeline_shows_both()
    {
        var submit = await CliRun.RunAsync(["--json", "report", "submit", "--name", "Ada", "--email", "ada@example.org", "--component", "urllib3",
            "--description", "Redirects keep the Authorization header.", "--credit-name", "Ada", "--credit-type", "FINDER"], env);
        Assert.True(submit.ExitCode == 0, submit.Err);
        var reportId = JsonNode.Parse(submit.Out)!["id"]!.ToString();

        var open = await CliRun.RunAsync(["--json", "case", "open", "--report", reportId], env);
        Assert.True(open.ExitCode == 0, open.Err);
        var caseId = JsonNode.Parse(open.Out)!["id"]!.ToString();

        var list = await CliRun.RunAsync(["report", "list"], env);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(reportId, list.Out);
        Assert.Contains(caseId, list.Out);

        var timeline = await CliRun.RunAsync(["case", "timeline", caseId], env);
        Assert.Equal(0, timeline.ExitCode);
        Assert.Contains("case.opened", timeline.Out);
        Assert.Contains(reportId, timeline.Out);
    }

    [Fact]
    public async Task An_invalid_draft_file_is_refused_with_one_line_per_field()
    {
        var caseId = await OpenCaseAsync();
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, """
            // revision 0 (comments are allowed)
            {"title":"Bad draft","summary":"s","details":"d",
             "affected":[{"ecosystem":"PyPI","name":"x","purl":"pkg:pypi/x@1.0","ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}],
             "severity":{"rating":"Huge","cvssVector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
             "cwes":[],"references":[],"cveId":null,"credits":[]}
            """);
        var edit = await CliRun.RunAsync(["case", "draft", "edit", caseId, "--file", file], env);
        File.Delete(file);
        Assert.Equal(1, edit.ExitCode);
        var lines = edit.Err.Trim().Split('\n');
        Assert.Contains(lines, l => l.StartsWith("intake: affected[0].purl: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("intake: severity.rating: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Draft_edit_opens_the_editor_and_saves_what_it_wrote_as_the_next_revision()
    {
        var caseId = await OpenCaseAsync();
        var dir = Directory.CreateTempSubdirectory("coord-editor-").FullName;
        var draft = Path.Combine(dir, "draft.json");
        await File.WriteAllTextAsync(draft, """
            {"title":"Edited in the editor","summary":"s","details":"d",
             "affected":[{"ecosystem":"PyPI","name":"x","purl":"pkg:pypi/x","ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2"}]}]}],
             "severity":{"rating":"Critical","cvssVector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
             "cwes":["CWE-79"],"references":[],"cveId":null,"credits":[{"name":"Ada","types":["FINDER"]}]}
            """);
        var editor = Path.Combine(dir, "editor.sh");
        await File.WriteAllTextAsync(editor, $"#!/bin/sh\ngrep -q 'based on revision 0' \"$1\" && cp '{draft}' \"$1\"\n");
        File.SetUnixFileMode(editor, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var edit = await CliRun.RunAsync(["case", "draft", "edit", caseId], new Dictionary<string, string?>(env) { ["VISUAL"] = editor });
        Directory.Delete(dir, recursive: true);
        Assert.True(edit.ExitCode == 0, edit.Err);
        Assert.Contains("revision 1", edit.Out);
        var show = await CliRun.RunAsync(["case", "draft", "show", caseId], env);
        Assert.Contains("Edited in the editor", show.Out);
        Assert.StartsWith("// revision 1", show.Out);
    }

    private async Task<string> OpenCaseAsync()
    {
        var submit = await CliRun.RunAsync(["--json", "report", "submit", "--name", "Ada", "--email", "ada@example.org", "--component", "x", "--description", "d"], env);
        var open = await CliRun.RunAsync(["--json", "case", "open", "--report", JsonNode.Parse(submit.Out)!["id"]!.ToString()], env);
        return JsonNode.Parse(open.Out)!["id"]!.ToString();
    }

    [Fact]
    public async Task Without_a_token_members_commands_exit_1_with_a_hint()
    {
        var run = await CliRun.RunAsync(["report", "list"], new Dictionary<string, string?> { ["COORD_INTAKE_URL"] = intake.BaseAddress.ToString() });
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("intake: 401 Unauthorized (run `coord login` or set COORD_TOKEN)", run.Err.Trim());
    }

    public async Task DisposeAsync()
    {
        await intake.DisposeAsync();
        await TestInfrastructure.DeleteVirtualHostAsync(isolation.VirtualHost);
    }
}

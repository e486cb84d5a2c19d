using System.Net;
using Coord.Tests.Support;

namespace Coord.Tests;

/// <summary>coord case draft edit against a stand-in intake: where the embargoed draft is written, and what happens to an edit intake refuses.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DraftEditFileTests : IDisposable
{
    private const string Draft = """{"revision":3,"draft":{"title":"EMBARGOED TITLE","details":"secret details"}}""";
    private readonly string dir = Directory.CreateTempSubdirectory("coord-editor-").FullName;
    private readonly Guid caseId = Guid.NewGuid();

    /// <summary>An editor that records the file's and its folder's modes and path, then changes the draft.</summary>
    private Dictionary<string, string?> Editor()
    {
        var editor = Path.Combine(dir, "editor.sh");
        File.WriteAllText(editor, $"#!/bin/sh\nstat -c '%a' \"$1\" \"$(dirname \"$1\")\" > '{dir}/saw'\necho \"$1\" >> '{dir}/saw'\n" +
            "sed -i 's/secret details/secret details plus careful edits/' \"$1\"\n");
        File.SetUnixFileMode(editor, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new() { ["VISUAL"] = editor, ["COORD_TOKEN"] = "t" };
    }

    private RoutedHandler Intake(Func<HttpResponseMessage> put) => new(r =>
        r.Method == HttpMethod.Get ? RoutedHandler.Json(HttpStatusCode.OK, Draft) : put());

    private string[] Saw() => File.ReadAllLines(Path.Combine(dir, "saw"));

    [Fact]
    public async Task The_draft_file_is_mode_600_in_a_private_folder_of_mode_700_removed_after_saving()
    {
        var run = await CliRun.RunAsync(["case", "draft", "edit", caseId.ToString()], Editor(), Intake(() => RoutedHandler.Json(HttpStatusCode.OK, """{"revision":4}""")));
        Assert.True(run.ExitCode == 0, run.Err);
        var saw = Saw();
        Assert.Equal("600", saw[0]);
        Assert.Equal("700", saw[1]);
        var folder = Path.GetDirectoryName(saw[2])!;
        Assert.NotEqual(Path.GetTempPath().TrimEnd('/'), folder.TrimEnd('/'));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task A_stale_revision_keeps_the_edit_and_says_how_to_submit_it_against_the_current_revision()
    {
        var run = await CliRun.RunAsync(["case", "draft", "edit", caseId.ToString()], Editor(), Intake(() => RoutedHandler.Json(HttpStatusCode.Conflict,
            """{"title":"Stale revision","status":409,"detail":"The draft is at revision 4.","currentRevision":4}""", "application/problem+json")));
        Assert.Equal(1, run.ExitCode);
        var path = Saw()[2];
        Assert.Contains("plus careful edits", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Contains("intake: 409 Stale revision", run.Err);
        Assert.Contains($"coord case draft edit {caseId} --file {path} --revision 4", run.Err);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData((HttpStatusCode)0)] // intake cannot be reached
    public async Task Any_other_failure_keeps_the_edit_and_says_how_to_submit_it_again(HttpStatusCode status)
    {
        var run = await CliRun.RunAsync(["case", "draft", "edit", caseId.ToString()], Editor(), Intake(() => status == 0
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "refused")
            : RoutedHandler.Json(status, """{"title":"No"}""", "application/problem+json")));
        Assert.Equal(1, run.ExitCode);
        var path = Saw()[2];
        Assert.Contains("plus careful edits", File.ReadAllText(path));
        // With the revision it was based on: submitted later, it must not replace a revision saved meanwhile.
        Assert.Contains($"coord case draft edit {caseId} --file {path} --revision 3", run.Err);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Theory]
    [InlineData("exit 1", 2, "exited with code 1: nothing submitted")]      // vim's :cq, a failed editor
    [InlineData("no-such-editor-here", 2, "exited with code 127")]         // not installed
    [InlineData("true", 0, "no change: nothing submitted")]                 // returned at once (code without --wait), or closed unchanged
    public async Task An_editor_that_failed_or_changed_nothing_submits_nothing(string editorCommand, int exitCode, string said)
    {
        var puts = 0;
        var run = await CliRun.RunAsync(["case", "draft", "edit", caseId.ToString()], new Dictionary<string, string?> { ["VISUAL"] = editorCommand, ["COORD_TOKEN"] = "t" },
            Intake(() => { Interlocked.Increment(ref puts); return RoutedHandler.Json(HttpStatusCode.OK, """{"revision":4}"""); }));
        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(said, run.Err);
        Assert.Equal(0, puts);
        Assert.DoesNotContain("kept", run.Err); // nothing was edited: nothing to keep
    }

    [Theory]
    [InlineData("// revision 2\n", null, 2)]                                                        // as draft show prints it
    [InlineData("// coord: advisory draft of case x, based on revision 1.\n// more\n", null, 1)] // a file the editor kept
    [InlineData("// revision 2\n", 1, 1)]                                                          // --revision wins
    public async Task A_file_is_submitted_as_based_on_the_revision_its_header_or_revision_names_never_the_current_one(string header, int? option, int expected)
    {
        var file = Path.Combine(dir, "d.json");
        await File.WriteAllTextAsync(file, header + """{"title":"t"}""");
        string? put = null;
        var args = new List<string> { "case", "draft", "edit", caseId.ToString(), "--file", file };
        if (option is { } r) args.AddRange(["--revision", r.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var run = await CliRun.RunAsync([.. args], new Dictionary<string, string?> { ["COORD_TOKEN"] = "t" }, new RoutedHandler(req =>
        {
            if (req.Method == HttpMethod.Put) put = req.Content!.ReadAsStringAsync().Result;
            return req.Method == HttpMethod.Get ? RoutedHandler.Json(HttpStatusCode.OK, Draft) : RoutedHandler.Json(HttpStatusCode.OK, """{"revision":5}""");
        }));
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Equal(expected, System.Text.Json.JsonDocument.Parse(put!).RootElement.GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task A_file_naming_no_revision_is_refused_without_one_rather_than_overwriting_a_newer_revision()
    {
        var file = Path.Combine(dir, "d.json");
        await File.WriteAllTextAsync(file, """{"title":"t"}""");
        var handler = new RoutedHandler(_ => RoutedHandler.Json(HttpStatusCode.OK, Draft));
        var run = await CliRun.RunAsync(["case", "draft", "edit", caseId.ToString(), "--file", file], new Dictionary<string, string?> { ["COORD_TOKEN"] = "t" }, handler);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--revision", run.Err);
        Assert.DoesNotContain(handler.Requests, r => r.Method == HttpMethod.Put);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}

using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Coord.Cli;
using Coord.Http;
using Coord.Output;

namespace Coord.Commands;

/// <summary>
/// coord case draft edit: the draft as a JSON file (// comments allowed) opened in $EDITOR; on save it is PUT with
/// the revision it was based on. A 400 puts each error as a comment on the line before its field and offers to edit
/// again; --file submits a file without an editor (for scripts). The file is mode 600 in a folder of its own (mode 700),
/// removed once the draft is saved; on any failure after the editor ran it is kept and its path printed with the command
/// that submits it again.
/// </summary>
public static class DraftEditCommand
{
    public static Command Build(CliEnvironment env)
    {
        var id = CaseCommands.CaseArgument();
        var file = new Option<FileInfo?>("--file") { Description = "Submit this draft file (JSON) without opening an editor" };
        var revision = new Option<int?>("--revision") { Description = "The revision the edit is based on (default: the current one; with --file, the one its header names)" };
        var command = new Command("edit", "Edit the advisory draft in $EDITOR (or submit --file); errors are shown next to their fields") { id, file, revision };
        return command.Does(env, async (ctx, ct) =>
        {
            var caseId = ctx.Value(id);
            if (ctx.Value(file) is { } f)
            {
                var text = await InputFiles.ReadAsync(f, "--file", ct);
                var fromFile = ParseOrThrow(text, f.FullName);
                // Never "the current revision" for a file: one saved since it was written would be overwritten unsaid.
                var fileRevision = ctx.Value(revision) ?? RevisionInHeader(text)
                    ?? throw new UsageException("--file needs --revision N, the revision the file was written from (coord case draft show prints it "
                                                + "as its first line), so that a revision saved since is not overwritten");
                return await SubmitAsync(ctx, caseId, fileRevision, fromFile, ct);
            }
            var current = (await ctx.Api.Intake.GetAsync($"/cases/{caseId}/draft", ct)).Json;
            var basedOn = ctx.Value(revision) ?? current?["revision"]?.GetValue<int>() ?? 0;
            return await EditLoopAsync(ctx, caseId, basedOn, current?["draft"] ?? Template(), ct);
        });
    }

    public static JsonNode Template() => new JsonObject
    {
        ["title"] = "", ["summary"] = "", ["details"] = "",
        ["affected"] = new JsonArray(new JsonObject
        {
            ["ecosystem"] = "PyPI", ["name"] = "", ["purl"] = "pkg:pypi/",
            ["ranges"] = new JsonArray(new JsonObject { ["type"] = "ECOSYSTEM", ["events"] = new JsonArray(new JsonObject { ["introduced"] = "0" }, new JsonObject { ["fixed"] = "" }) }),
        }),
        ["severity"] = new JsonObject { ["rating"] = "Critical", ["cvssVector"] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
        ["cwes"] = new JsonArray(), ["references"] = new JsonArray(), ["cveId"] = null,
        ["credits"] = new JsonArray(new JsonObject { ["name"] = "", ["types"] = new JsonArray("FINDER") }),
        ["remediation"] = null,
    };

    private static async Task<int> EditLoopAsync(CliContext ctx, Guid caseId, int basedOn, JsonNode draft, CancellationToken ct)
    {
        var editor = ctx.Environment.Variables.GetValueOrDefault("VISUAL") is { Length: > 0 } v ? v
            : ctx.Environment.Variables.GetValueOrDefault("EDITOR") is { Length: > 0 } e ? e
            : throw new UsageException("set $EDITOR (or use --file)");
        // The draft is embargoed: a directory of its own only the user may enter (mode 700, unpredictable name) and a
        // file only the user may read (mode 600 from its creation).
        var dir = Directory.CreateTempSubdirectory("coord-draft-");
        var path = Path.Combine(dir.FullName, $"draft-{caseId:N}.json");
        IReadOnlyDictionary<string, string[]> errors = new Dictionary<string, string[]>();
        var text = JsonAnnotator.Write(draft, errors, Header(caseId, basedOn));
        var edited = false; // once the editor has run, the file holds the user's work: kept on any failure
        var kept = false;
        int Keep(int code, ApiProblemException? refusal = null)
        {
            kept = true;
            foreach (var line in KeptLines(caseId, path, basedOn, refusal)) ctx.Err.WriteLine(line);
            return code;
        }
        try
        {
            while (true)
            {
                await WritePrivateAsync(path, text, ct);
                int exitCode;
                using (var p = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", editor + " \"$0\"", path }, UseShellExecute = false })!)
                {
                    await p.WaitForExitAsync(ct);
                    exitCode = p.ExitCode;
                }
                var current = await File.ReadAllTextAsync(path, ct);
                // An editor that failed (not found: 127; vim's :cq) means "do not submit"; one that returned at once
                // (code without --wait) or was closed without a change leaves nothing to submit. Either keeps what an
                // earlier round edited.
                if (exitCode != 0 || current == text)
                {
                    ctx.Err.WriteLine(exitCode != 0 ? $"the editor ({editor}) exited with code {exitCode}: nothing submitted" : "no change: nothing submitted");
                    var code = exitCode != 0 ? CommandActions.UsageError : edited ? CommandActions.ServiceError : 0; // edited: still refused
                    return edited || current != text ? Keep(code) : code;
                }
                edited = true;
                if (string.IsNullOrWhiteSpace(StripComments(current))) { ctx.Err.WriteLine("empty file: nothing submitted"); edited = false; return CommandActions.UsageError; }
                JsonNode? parsed;
                try
                {
                    parsed = JsonAnnotator.Read(current);
                }
                catch (System.Text.Json.JsonException je)
                {
                    ctx.Err.WriteLine($"not valid JSON (line {je.LineNumber + 1}): {je.Message}");
                    if (!Again(ctx)) return Keep(CommandActions.UsageError);
                    text = current;
                    continue;
                }
                try
                {
                    var response = await ctx.Api.Intake.PutAsync($"/cases/{caseId}/draft", new JsonObject { ["revision"] = basedOn, ["draft"] = parsed }, ct);
                    edited = false;
                    ctx.Show(response, j => ctx.Plain($"Draft saved as revision {j.S("revision")}."));
                    return 0;
                }
                catch (ApiProblemException p) when (p.Status == HttpStatusCode.BadRequest && ProblemErrors.From(p.Body) is { } found)
                {
                    foreach (var line in ProblemFormatter.Lines(p.Service, p.Status, p.Body)) ctx.Err.WriteLine(line);
                    if (!Again(ctx)) return Keep(CommandActions.ServiceError);
                    errors = found;
                    text = JsonAnnotator.Write(parsed, errors, Header(caseId, basedOn));
                }
                catch (Exception failure) when (CommandActions.Report(ctx, failure) is { } code)
                {
                    return Keep(code, failure as ApiProblemException);
                }
            }
        }
        catch (Exception) when (edited && !kept)
        {
            Keep(CommandActions.ServiceError);
            throw;
        }
        finally
        {
            if (!kept) dir.Delete(recursive: true);
        }
    }

    /// <summary>Where the edit that was not saved is, and how to submit it again (on a stale revision: which one is current).</summary>
    /// <param name="basedOn">the revision the edit was based on: submitted again, it must not silently replace a colleague's later one.</param>
    public static IEnumerable<string> KeptLines(Guid caseId, string path, int basedOn, ApiProblemException? refusal)
    {
        var currentRevision = refusal?.Status == HttpStatusCode.Conflict ? CurrentRevision(refusal.Body) : null;
        yield return $"your edit is kept in {path} (readable by you only; delete its folder when done)";
        if (currentRevision is { } r)
            yield return $"the draft is now at revision {r}: compare with `coord case draft show {caseId}`, then submit your edit with " +
                $"`coord case draft edit {caseId} --file {path} --revision {r}`";
        else
            yield return $"submit it again with `coord case draft edit {caseId} --file {path} --revision {basedOn}`";
    }

    private static int? CurrentRevision(string body)
    {
        try { return JsonNode.Parse(body)?["currentRevision"]?.GetValue<int>(); }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException) { return null; }
    }

    private static async Task WritePrivateAsync(string path, string text, CancellationToken ct)
    {
        // An editor may have replaced the file; write a new one so it is mode 600 again whatever the editor left.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(text.AsMemory(), ct);
    }

    private static async Task<int> SubmitAsync(CliContext ctx, Guid caseId, int basedOn, JsonNode? draft, CancellationToken ct)
    {
        var response = await ctx.Api.Intake.PutAsync($"/cases/{caseId}/draft", new JsonObject { ["revision"] = basedOn, ["draft"] = draft }, ct);
        ctx.Show(response, j => ctx.Plain($"Draft saved as revision {j.S("revision")}."));
        return 0;
    }

    private static JsonNode? ParseOrThrow(string text, string name)
    {
        try { return JsonAnnotator.Read(text); }
        catch (System.Text.Json.JsonException e) { throw new UsageException($"{name} is not valid JSON (line {e.LineNumber + 1}): {e.Message}"); }
    }

    private static bool Again(CliContext ctx)
    {
        if (ctx.Environment.InputRedirected) return false;
        ctx.Err.Write("Edit again? [Y/n] ");
        var answer = ctx.Environment.In.ReadLine()?.Trim().ToLowerInvariant();
        return answer is null or "" or "y" or "yes";
    }

    /// <summary>The revision the leading // comments name: "// revision N" (draft show) or "... based on revision N." (the editor's file).</summary>
    public static int? RevisionInHeader(string text)
    {
        foreach (var line in text.Split('\n').Select(l => l.Trim()).TakeWhile(l => l.StartsWith("//", StringComparison.Ordinal) || l.Length == 0))
            if (System.Text.RegularExpressions.Regex.Match(line, @"^//\s*(?:revision|coord: .*based on revision) (\d{1,9})\b") is { Success: true } m)
                return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }

    private static IEnumerable<string> Header(Guid caseId, int revision) =>
    [
        $"coord: advisory draft of case {caseId}, based on revision {revision}.",
        "Save and close to submit; an empty file submits nothing. Lines starting with // are ignored.",
        "Credit types: FINDER REPORTER ANALYST COORDINATOR REMEDIATION_DEVELOPER REMEDIATION_REVIEWER REMEDIATION_VERIFIER TOOL SPONSOR OTHER",
    ];

    private static string StripComments(string text) =>
        string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
}

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
/// again; --file submits a file without an editor (for scripts).
/// </summary>
public static class DraftEditCommand
{
    public static Command Build(CliEnvironment env)
    {
        var id = CaseCommands.CaseArgument();
        var file = new Option<FileInfo?>("--file") { Description = "Submit this draft file (JSON) without opening an editor" };
        var revision = new Option<int?>("--revision") { Description = "The revision the edit is based on (default: the current one)" };
        var command = new Command("edit", "Edit the advisory draft in $EDITOR (or submit --file); errors are shown next to their fields") { id, file, revision };
        return command.Does(env, async (ctx, ct) =>
        {
            var caseId = ctx.Value(id);
            var current = (await ctx.Api.Intake.GetAsync($"/cases/{caseId}/draft", ct)).Json;
            var basedOn = ctx.Value(revision) ?? current?["revision"]?.GetValue<int>() ?? 0;
            if (ctx.Value(file) is { } f)
                return await SubmitAsync(ctx, caseId, basedOn, ParseOrThrow(await File.ReadAllTextAsync(f.FullName, ct), f.FullName), ct);
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
        ["severity"] = new JsonObject { ["rating"] = "High", ["cvssVector"] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
        ["cwes"] = new JsonArray(), ["references"] = new JsonArray(), ["cveId"] = null,
        ["credits"] = new JsonArray(new JsonObject { ["name"] = "", ["types"] = new JsonArray("FINDER") }),
        ["remediation"] = null,
    };

    private static async Task<int> EditLoopAsync(CliContext ctx, Guid caseId, int basedOn, JsonNode draft, CancellationToken ct)
    {
        var editor = ctx.Environment.Variables.GetValueOrDefault("VISUAL") is { Length: > 0 } v ? v
            : ctx.Environment.Variables.GetValueOrDefault("EDITOR") is { Length: > 0 } e ? e
            : throw new UsageException("set $EDITOR (or use --file)");
        var path = Path.Combine(Path.GetTempPath(), $"coord-draft-{caseId:N}-{Environment.ProcessId}.json");
        IReadOnlyDictionary<string, string[]> errors = new Dictionary<string, string[]>();
        var text = JsonAnnotator.Write(draft, errors, Header(caseId, basedOn));
        try
        {
            while (true)
            {
                await File.WriteAllTextAsync(path, text, ct);
                using (var p = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", editor + " \"$0\"", path }, UseShellExecute = false })!)
                    await p.WaitForExitAsync(ct);
                var edited = await File.ReadAllTextAsync(path, ct);
                if (string.IsNullOrWhiteSpace(StripComments(edited))) { ctx.Err.WriteLine("empty file: nothing submitted"); return CommandActions.UsageError; }
                JsonNode? parsed;
                try
                {
                    parsed = JsonAnnotator.Read(edited);
                }
                catch (System.Text.Json.JsonException je)
                {
                    ctx.Err.WriteLine($"not valid JSON (line {je.LineNumber + 1}): {je.Message}");
                    if (!Again(ctx)) return CommandActions.UsageError;
                    text = edited;
                    continue;
                }
                try
                {
                    var response = await ctx.Api.Intake.PutAsync($"/cases/{caseId}/draft", new JsonObject { ["revision"] = basedOn, ["draft"] = parsed }, ct);
                    ctx.Show(response, j => ctx.Plain($"Draft saved as revision {j.S("revision")}."));
                    return 0;
                }
                catch (ApiProblemException p) when (p.Status == HttpStatusCode.BadRequest && ProblemErrors.From(p.Body) is { } found)
                {
                    foreach (var line in ProblemFormatter.Lines(p.Service, p.Status, p.Body)) ctx.Err.WriteLine(line);
                    if (!Again(ctx)) return CommandActions.ServiceError;
                    errors = found;
                    text = JsonAnnotator.Write(parsed, errors, Header(caseId, basedOn));
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
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

    private static IEnumerable<string> Header(Guid caseId, int revision) =>
    [
        $"coord: advisory draft of case {caseId}, based on revision {revision}.",
        "Save and close to submit; an empty file submits nothing. Lines starting with // are ignored.",
        "Credit types: FINDER REPORTER ANALYST COORDINATOR REMEDIATION_DEVELOPER REMEDIATION_REVIEWER REMEDIATION_VERIFIER TOOL SPONSOR OTHER",
    ];

    private static string StripComments(string text) =>
        string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
}

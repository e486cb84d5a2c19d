using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using Coord.Cli;
using Coord.Http;
using Spectre.Console;

namespace Coord.Commands;

/// <summary>
/// coord status &lt;case&gt;: a live view (progress bars for notices sent/deferred/failed/cancelled and acknowledgements, the
/// embargo countdown) refreshed every second until Ctrl-C; --once prints one snapshot and exits (for scripts, also as
/// JSON with --json; the live view refuses --json).
/// </summary>
public static class StatusCommand
{
    public static Command Build(CliEnvironment env)
    {
        var id = CaseCommands.CaseArgument();
        var once = new Option<bool>("--once") { Description = "Print one snapshot and exit" };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 1.0 };
        var command = new Command("status", "Live view of a case: embargo countdown, notices and acknowledgements") { id, once, interval };
        return command.Does(env, async (ctx, ct) =>
        {
            var caseId = ctx.Value(id);
            if (ctx.Value(once))
            {
                var (embargo, notices) = await FetchAsync(ctx.Api, caseId, ct);
                if (ctx.Json) ctx.Out.WriteLine(new JsonObject { ["embargo"] = embargo?.DeepClone(), ["notices"] = notices?.DeepClone() }.ToJsonString());
                else foreach (var line in StatusSnapshot.From(caseId, embargo, notices).Lines(env.Time.GetUtcNow())) ctx.Out.WriteLine(line);
                return 0;
            }
            if (ctx.Json) throw new UsageException("--json needs --once: the live view is not JSON (poll `coord status <case> --once --json` instead)");
            if (ctx.Value(interval) is not (>= 0.2 and <= 3600)) throw new UsageException("--interval: give seconds between 0.2 and 3600");
            await LiveAsync(ctx, caseId, TimeSpan.FromSeconds(ctx.Value(interval)), ct);
            return 0;
        });
    }

    public static async Task<(JsonNode? Embargo, JsonNode? Notices)> FetchAsync(CoordApi api, Guid caseId, CancellationToken ct)
    {
        JsonNode? embargo = null;
        try { embargo = (await api.Embargo.GetAsync($"/cases/{caseId}/embargo", ct)).Json; }
        catch (ApiProblemException e) when (e.Status == HttpStatusCode.NotFound) { }
        var notices = (await api.Notifier.GetAsync($"/cases/{caseId}/notices", ct)).Json;
        return (embargo, notices);
    }

    private static async Task LiveAsync(CliContext ctx, Guid caseId, TimeSpan interval, CancellationToken ct)
    {
        ctx.Plain($"Watching case {caseId}; Ctrl-C to stop.");
        await ctx.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ValueColumn())
            .StartAsync(async progress =>
            {
                var countdown = progress.AddTask("embargo", maxValue: 1);
                var sent = progress.AddTask("sent", maxValue: 1);
                var deferred = progress.AddTask("deferred", maxValue: 1);
                var failed = progress.AddTask("failed", maxValue: 1);
                var cancelled = progress.AddTask("cancelled (withdrawn)", maxValue: 1);
                var acked = progress.AddTask("acknowledged", maxValue: 1);
                while (!ct.IsCancellationRequested)
                {
                    var (embargo, notices) = await FetchAsync(ctx.Api, caseId, ct);
                    var s = StatusSnapshot.From(caseId, embargo, notices);
                    var now = ctx.Environment.Time.GetUtcNow();
                    countdown.Description = Markup.Escape($"{s.State}: {s.Countdown(now)}");
                    if (s is { StartedAt: { } start, DisclosureAt: { } at } && at > start)
                    {
                        countdown.MaxValue = (at - start).TotalSeconds;
                        countdown.Value = Math.Clamp((now - start).TotalSeconds, 0, countdown.MaxValue);
                    }
                    Set(sent, s.Sent, s.Notices);
                    Set(deferred, s.Deferred, s.Notices);
                    Set(failed, s.Failed, s.Notices);
                    Set(cancelled, s.Cancelled, s.Notices);
                    Set(acked, s.Acknowledged, s.Recipients);
                    try { await Task.Delay(interval, ct); } catch (TaskCanceledException) { break; }
                }
            });
    }

    private static void Set(ProgressTask task, int value, int max)
    {
        task.MaxValue = Math.Max(1, max);
        task.Value = value;
    }

    private sealed class ValueColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup($"{task.Value:0}/{task.MaxValue:0}");
    }
}

using System.CommandLine;
using Coord.Cli;
using Coord.Output;

namespace Coord.Commands;

/// <summary>coord case open|list|show|timeline|draft show|draft edit.</summary>
public static class CaseCommands
{
    public static Command Build(CliEnvironment env)
    {
        var command = new Command("case", "Cases and their advisory drafts (intake)");
        command.Subcommands.Add(Open(env));
        command.Subcommands.Add(List(env));
        command.Subcommands.Add(Show(env));
        command.Subcommands.Add(Timeline(env));
        var draft = new Command("draft", "The advisory draft of a case");
        draft.Subcommands.Add(DraftShow(env));
        draft.Subcommands.Add(DraftEditCommand.Build(env));
        command.Subcommands.Add(draft);
        return command;
    }

    public static Argument<Guid> CaseArgument() => new("case") { Description = "Case id" };

    private static Command Open(CliEnvironment env)
    {
        var reports = new Option<Guid[]>("--report") { Description = "Report id(s) the case is opened from (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var coordinator = new Option<Guid?>("--coordinator") { Description = "Member id of the coordinator (default: you)" };
        var command = new Command("open", "Open a case from one or more reports") { reports, coordinator };
        return command.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Intake.PostAsync("/cases", new { reportIds = ctx.Value(reports), coordinatorId = ctx.Value(coordinator) }, ct);
            ctx.Show(response, j => ctx.Plain($"Case {j.S("id")} opened (coordinator {j.S("coordinatorId")})."));
        });
    }

    private static Command List(CliEnvironment env)
    {
        var command = new Command("list", "List cases, newest first");
        return command.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Intake.GetAsync("/cases", ct);
            ctx.Show(response, j => ctx.Console.Write(Tables.Of(j, ("id", c => c.S("id")), ("status", c => c.S("status")),
                ("opened", c => c.Utc("openedAt")), ("draft rev.", c => c.S("draftRevision")), ("reports", c => (c["reportIds"] as System.Text.Json.Nodes.JsonArray)?.Count.ToString()))));
        });
    }

    private static Command Show(CliEnvironment env)
    {
        var id = CaseArgument();
        var command = new Command("show", "Show a case") { id };
        return command.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Intake.GetAsync($"/cases/{ctx.Value(id)}", ct);
            ctx.Show(response, j => ctx.Console.Write(Tables.Fields(("id", j.S("id")), ("status", j.S("status")), ("coordinator", j.S("coordinatorId")),
                ("opened", $"{j.Utc("openedAt")} by {j.S("openedBy")}"), ("draft revision", j.S("draftRevision")), ("reports", j.List("reportIds")))));
        });
    }

    private static Command Timeline(CliEnvironment env)
    {
        var id = CaseArgument();
        var command = new Command("timeline", "Every action on the case: who, what, when (append-only audit log)") { id };
        return command.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Intake.GetAsync($"/cases/{ctx.Value(id)}/timeline", ct);
            ctx.Show(response, j => ctx.Console.Write(Tables.Of(j, ("at", e => e.Utc("at")), ("who", e => e.S("actorName")), ("action", e => e.S("action")),
                ("detail", e => e["detail"]?.ToJsonString()))));
        });
    }

    private static Command DraftShow(CliEnvironment env)
    {
        var id = CaseArgument();
        var command = new Command("show", "Print the draft and its revision (the read is recorded on the timeline)") { id };
        return command.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Intake.GetAsync($"/cases/{ctx.Value(id)}/draft", ct);
            ctx.Show(response, j => ctx.Out.Write(JsonAnnotator.Write(j?["draft"], new Dictionary<string, string[]>(), [$"revision {j.S("revision")}"])));
        });
    }
}

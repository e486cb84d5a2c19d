using System.CommandLine;
using Coord.Cli;
using Coord.Output;

namespace Coord.Commands;

/// <summary>coord embargo start|extend|break|show &lt;case&gt;.</summary>
public static class EmbargoCommands
{
    public static Command Build(CliEnvironment env)
    {
        var embargo = new Command("embargo", "Start, extend, break or show a case's embargo");
        embargo.Subcommands.Add(Start(env));
        embargo.Subcommands.Add(Extend(env));
        embargo.Subcommands.Add(Break(env));
        embargo.Subcommands.Add(Show(env));
        return embargo;
    }

    private static Option<string?> At() => new("--at") { Description = "Disclosure instant in UTC, e.g. 2026-12-01T14:00:00Z" };
    private static Option<string?> In() => new("--in") { Description = "Disclosure this long from now, e.g. 30s, 2h, 14d" };
    private static Option<string> Reason() => new("--reason") { Description = "Why (kept on the case)", Required = true };

    private static Command Start(CliEnvironment env)
    {
        var id = CaseCommands.CaseArgument();
        var at = At();
        var inDuration = In();
        var channels = new Option<string[]>("--channel") { Description = "Channel(s), e.g. distros default", DefaultValueFactory = _ => ["default"], AllowMultipleArgumentsPerToken = true };
        var command = new Command("start", "Start the embargo: notices go out now, disclosure at the instant") { id, at, inDuration, channels };
        return command.Does(env, async (ctx, ct) =>
        {
            var instant = Instants.Resolve(ctx.Value(at), ctx.Value(inDuration), env.Time.GetUtcNow());
            var response = await ctx.Api.Intake.PostAsync($"/cases/{ctx.Value(id)}/embargo", new { disclosureAt = instant, channels = ctx.Value(channels) }, ct);
            ctx.Show(response, j => ctx.Plain($"Embargo requested: disclosure {j.Utc("disclosureAt")}, channels {j.List("channels")}. " +
                "The scheduler checks the policy; see `coord embargo show` or `coord status`."));
        });
    }

    private static Command Extend(CliEnvironment env)
    {
        var id = CaseCommands.CaseArgument();
        var at = At();
        var inDuration = In();
        var reason = Reason();
        var command = new Command("extend", "Move the disclosure later (reminders are rescheduled, recipients told)") { id, at, inDuration, reason };
        return command.Does(env, async (ctx, ct) =>
        {
            var instant = Instants.Resolve(ctx.Value(at), ctx.Value(inDuration), env.Time.GetUtcNow());
            var response = await ctx.Api.Embargo.PostAsync($"/cases/{ctx.Value(id)}/embargo/extend", new { disclosureAt = instant, reason = ctx.Value(reason) }, ct);
            ctx.Show(response, _ => ctx.Plain($"Extension to {instant.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'} accepted."));
        });
    }

    private static Command Break(CliEnvironment env)
    {
        var id = CaseCommands.CaseArgument();
        var reason = Reason();
        var command = new Command("break", "The embargo leaked: disclose now") { id, reason };
        return command.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Embargo.PostAsync($"/cases/{ctx.Value(id)}/embargo/break", new { reason = ctx.Value(reason) }, ct);
            ctx.Show(response, _ => ctx.Plain("Embargo broken: disclosure now."));
        });
    }

    /// <summary>How many extensions the embargo has had, and of how many its channels allow.</summary>
    private static string Extensions(System.Text.Json.Nodes.JsonNode? j)
    {
        var had = (j?["extensions"] as System.Text.Json.Nodes.JsonArray)?.Count ?? 0;
        var most = j?["policy"].S("caseMaxExtensions");
        return most == "" ? $"{had} (no limit)" : $"{had} of at most {most}";
    }

    private static Command Show(CliEnvironment env)
    {
        var id = CaseCommands.CaseArgument();
        var command = new Command("show", "State, disclosure instant, limits and history of the embargo") { id };
        return command.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Embargo.GetAsync($"/cases/{ctx.Value(id)}/embargo", ct);
            ctx.Show(response, j =>
            {
                ctx.Console.Write(Tables.Fields(("state", j.S("state")), ("disclosure", j.Utc("disclosureAt")), ("channels", j.List("channels")),
                    ("started", j.Utc("startedAt")), ("latest allowed", j?["policy"].Utc("latestDisclosureAt")), ("min lead time", j?["policy"].S("minimumLeadTime")),
                    ("extensions", Extensions(j)),
                    ("broken", j.S("breakReason")), ("advisory", j.S("advisoryId")), ("published", j.Utc("publishedAt"))));
                foreach (var e in j?["extensions"] as System.Text.Json.Nodes.JsonArray ?? []) ctx.Plain($"extended: {e?.ToJsonString()}");
                foreach (var r in j?["refusals"] as System.Text.Json.Nodes.JsonArray ?? []) ctx.Err.WriteLine($"refused: {r?.ToJsonString()}");
            });
        });
    }
}

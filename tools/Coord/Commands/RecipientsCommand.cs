using System.CommandLine;
using Coord.Cli;
using Coord.Output;

namespace Coord.Commands;

/// <summary>coord recipients &lt;case&gt;: who would be told, and the dependency path that selected each.</summary>
public static class RecipientsCommand
{
    public static Command Build(CliEnvironment env)
    {
        var id = CaseCommands.CaseArgument();
        var command = new Command("recipients", "Preview the recipients of a case's notices, with the path that selected each") { id };
        return command.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Notifier.GetAsync($"/cases/{ctx.Value(id)}/recipients", ct);
            ctx.Show(response, j =>
            {
                ctx.Plain($"Affected packages: {j.List("affectedPackages")}   (max depth {j.S("maxDepth")})");
                ctx.Console.Write(Tables.Of(j?["recipients"], ("project", r => r.S("project")), ("contact", r => $"{r.S("name")} <{r.S("email")}>"),
                    ("mode", r => r.S("mode")), ("warned", r => r.S("warned") switch { "true" => "yes", "false" => "no", _ => "" }), ("key", r => r.S("keyFingerprint")),
                    ("path", r => r.List("path", " → "))));
                foreach (var w in j?["warnings"] as System.Text.Json.Nodes.JsonArray ?? []) ctx.Err.WriteLine($"warning: {w}");
            });
        });
    }
}

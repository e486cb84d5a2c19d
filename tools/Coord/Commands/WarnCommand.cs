using System.CommandLine;
using System.Text.Json.Nodes;
using Coord.Cli;
using Coord.Output;

namespace Coord.Commands;

/// <summary>coord warn &lt;case&gt;: during the embargo, the recipients not warned yet (registered since it began) get its notice.</summary>
public static class WarnCommand
{
    public static Command Build(CliEnvironment env)
    {
        var id = CaseCommands.CaseArgument();
        var command = new Command("warn", "During the embargo, send its notice to every recipient not warned yet " +
            "(contacts, projects or packages registered since it began); `coord recipients` shows them first") { id };
        return command.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Notifier.PostAsync($"/cases/{ctx.Value(id)}/recipients/warn", null, ct);
            ctx.Show(response, j =>
            {
                var warned = j?["recipients"] as JsonArray ?? [];
                ctx.Plain(warned.Count == 0 ? "Every recipient has been warned; nothing sent."
                    : $"{warned.Count} recipient(s) not warned yet get the embargo's notice; see `coord status`.");
                if (warned.Count > 0)
                    ctx.Console.Write(Tables.Of(warned, ("project", r => r.S("project")), ("contact", r => r.S("email")), ("mode", r => r.S("mode")),
                        ("path", r => r.List("path", " → "))));
            });
        });
    }
}

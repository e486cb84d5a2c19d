using System.CommandLine;
using Coord.Cli;

namespace Coord.Commands;

/// <summary>
/// coord advisory preview &lt;case&gt; --format osv|cve|csaf (disclosure renders the latest draft it has); a warning on stderr
/// when disclosure says it would not publish the draft (X-Publication-Refused).
/// </summary>
public static class AdvisoryCommands
{
    public static Command Build(CliEnvironment env)
    {
        var advisory = new Command("advisory", "Advisory records");
        var id = CaseCommands.CaseArgument();
        var format = new Option<string>("--format") { Description = "osv, cve or csaf (csaf: the embargoed TLP AMBER preview)", DefaultValueFactory = _ => "osv" };
        format.AcceptOnlyFromAmong("osv", "cve", "csaf");
        var preview = new Command("preview", "Render the case's latest draft as the record that will be published") { id, format };
        preview.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Disclosure.GetAsync($"/cases/{ctx.Value(id)}/advisory/preview?format={ctx.Value(format)}", ct);
            if (ctx.Json) ctx.Out.WriteLine(response.Body);
            else ctx.Out.WriteLine(response.Json?.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            // The preview renders, but disclosure would not publish this draft at the instant: say why.
            if (response.Headers.TryGetValue("X-Publication-Refused", out var refused) && refused.Length > 0)
                ctx.Err.WriteLine($"warning: disclosure would not publish this draft: {refused}");
        });
        advisory.Subcommands.Add(preview);
        return advisory;
    }
}

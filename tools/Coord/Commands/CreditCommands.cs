using System.CommandLine;
using Coord.Cli;
using Coord.Output;

namespace Coord.Commands;

/// <summary>coord credit add &lt;case&gt; --name ... --type finder --type reporter.</summary>
public static class CreditCommands
{
    public static Command Build(CliEnvironment env)
    {
        var credit = new Command("credit", "People credited in the advisory (no account needed)");
        var id = CaseCommands.CaseArgument();
        var name = new Option<string>("--name") { Description = "Name as it appears in the advisory", Required = true };
        var types = new Option<string[]>("--type") { Description = "Credit type(s): finder reporter analyst coordinator remediation_developer remediation_reviewer remediation_verifier tool sponsor other", Required = true, AllowMultipleArgumentsPerToken = true };
        var contact = new Option<string?>("--contact") { Description = "Optional contact (URL or email)" };
        var add = new Command("add", "Add a credited person to the draft (a new revision)") { id, name, types, contact };
        add.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Intake.PostAsync($"/cases/{ctx.Value(id)}/credits", new
            {
                name = ctx.Value(name), types = ctx.Value(types).Select(t => t.ToUpperInvariant()).ToArray(), contact = ctx.Value(contact),
            }, ct);
            ctx.Show(response, j => ctx.Plain($"Credit added; draft at revision {j.S("revision")}."));
        });
        credit.Subcommands.Add(add);
        return credit;
    }
}

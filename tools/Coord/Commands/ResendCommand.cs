using System.CommandLine;
using System.Text.Json.Nodes;
using Coord.Cli;
using Coord.Output;

namespace Coord.Commands;

/// <summary>coord resend &lt;case&gt; [--contact id]...: the case's failed notices go again, once their cause is fixed.</summary>
public static class ResendCommand
{
    public static Command Build(CliEnvironment env)
    {
        var id = CaseCommands.CaseArgument();
        var contacts = new Option<Guid[]>("--contact")
        {
            Description = "Only this contact's failed notices (repeatable); without it, every failed notice of the case",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("resend", "Send a case's failed notices again (to the contact's current address and key), " +
            "after fixing the address, the key or the mail server") { id, contacts };
        return command.Does(env, async (ctx, ct) =>
        {
            var named = ctx.Value(contacts);
            var body = named is { Length: > 0 } ? new { contactIds = named } : null;
            var response = await ctx.Api.Notifier.PostAsync($"/cases/{ctx.Value(id)}/notices/resend", body, ct);
            ctx.Show(response, j =>
            {
                var resent = j?["resent"] as JsonArray ?? [];
                var notResent = j?["notResent"] as JsonArray ?? [];
                ctx.Plain(resent.Count == 0 ? "No failed notice queued again." : $"{resent.Count} failed notice(s) queued again; see `coord status`.");
                if (resent.Count > 0)
                    ctx.Console.Write(Tables.Of(resent, ("contact", r => r.S("email")), ("kind", r => r.S("kind")), ("failed before", r => r.S("lastError"))));
                if (notResent.Count > 0)
                {
                    ctx.Plain($"{notResent.Count} stay failed:");
                    ctx.Console.Write(Tables.Of(notResent, ("contact", r => r.S("email")), ("kind", r => r.S("kind")), ("why", r => r.S("reason"))));
                }
            });
        });
    }
}

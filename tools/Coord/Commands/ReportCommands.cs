using System.CommandLine;
using Coord.Cli;
using Coord.Output;

namespace Coord.Commands;

/// <summary>coord report submit|list|show.</summary>
public static class ReportCommands
{
    public static Command Build(CliEnvironment env)
    {
        var report = new Command("report", "Vulnerability reports (intake)");
        report.Subcommands.Add(Submit(env));
        report.Subcommands.Add(List(env));
        report.Subcommands.Add(Show(env));
        return report;
    }

    private static Command Submit(CliEnvironment env)
    {
        var name = new Option<string>("--name") { Description = "Reporter's name", Required = true };
        var email = new Option<string>("--email") { Description = "Reporter's email", Required = true };
        var component = new Option<string[]>("--component") { Description = "Affected component (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var subject = new Option<string?>("--subject") { Description = "One-line subject" };
        var description = new Option<string?>("--description") { Description = "The report text (prefer --description-file or stdin: other local users can read a command line in the process list)" };
        var descriptionFile = new Option<FileInfo?>("--description-file") { Description = "Read the report text from a file (e.g. an ASCII-armored PGP message)" };
        var creditName = new Option<string?>("--credit-name") { Description = "Credit the reporter under this name" };
        var creditType = new Option<string[]>("--credit-type") { Description = "Credit type(s) for the reporter, e.g. FINDER REPORTER", AllowMultipleArgumentsPerToken = true };
        var command = new Command("submit", "Submit a report (no token needed); prints the report id and the reporter token")
            { name, email, component, subject, description, descriptionFile, creditName, creditType };
        return command.Does(env, async (ctx, ct) =>
        {
            var text = ctx.Value(description);
            if (ctx.Value(descriptionFile) is { } file) text = await InputFiles.ReadAsync(file, "--description-file", ct);
            if (text is null && env.InputRedirected) text = await env.In.ReadToEndAsync(ct);
            if (string.IsNullOrWhiteSpace(text)) throw new UsageException("no description: use --description, --description-file or stdin");
            var types = ctx.Value(creditType) ?? [];
            var credit = ctx.Value(creditName) is { } cn || types.Length > 0 ? new { wanted = true, name = ctx.Value(creditName), types } : null;
            var response = await ctx.Api.Intake.PostAsync("/reports", new
            {
                reporterName = ctx.Value(name), reporterEmail = ctx.Value(email), components = ctx.Value(component),
                description = text, subject = ctx.Value(subject), credit,
            }, ct);
            ctx.Show(response, j =>
            {
                ctx.Plain($"Report {j.S("id")} received.");
                ctx.Plain($"Reporter token (keep it to read replies; shown once): {j.S("reporterToken")}");
            });
        });
    }

    private static Command List(CliEnvironment env)
    {
        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => 200 };
        var command = new Command("list", "List reports, newest first") { limit };
        return command.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Intake.GetAsync($"/reports?limit={ctx.Value(limit)}", ct);
            ctx.Show(response, j => ctx.Console.Write(Tables.Of(j,
                ("id", r => r.S("id")), ("received", r => r.Utc("receivedAt")), ("reporter", r => r.S("reporterName")),
                ("subject", r => r.S("subject")), ("components", r => r.List("components")), ("status", r => r.S("status")),
                ("case", r => r.S("caseId")))));
        });
    }

    private static Command Show(CliEnvironment env)
    {
        var id = new Argument<Guid>("id") { Description = "Report id" };
        var command = new Command("show", "Show one report (the read is recorded on the case timeline)") { id };
        return command.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Intake.GetAsync($"/reports/{ctx.Value(id)}", ct);
            ctx.Show(response, j =>
            {
                ctx.Console.Write(Tables.Fields(("id", j.S("id")), ("status", j.S("status")), ("received", j.Utc("receivedAt")),
                    ("source", j.S("source")), ("reporter", $"{j.S("reporterName")} <{j.S("reporterEmail")}>"), ("subject", j.S("subject")),
                    ("components", j.List("components")), ("encrypted", j.S("encrypted")), ("credit", j.S("creditWanted") == "true" ? $"{j.S("creditName")} [{j.List("creditTypes")}]" : "no"),
                    ("case", j.S("caseId"))));
                ctx.Plain("");
                ctx.Plain(j.S("description"));
            });
        });
    }
}

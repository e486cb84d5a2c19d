using System.CommandLine;
using Coord.Cli;
using Coord.Config;
using Coord.Http;
using System.Text.Json.Nodes;
using Coord.Output;
using Spectre.Console;

namespace Coord.Commands;

/// <summary>coord login, coord whoami.</summary>
public static class AuthCommands
{
    public static Command Login(CliEnvironment env)
    {
        var token = new Option<string?>("--token") { Description = "The member token (otherwise read from stdin, not echoed at a terminal); on the command line other local users can see it in the process list" };
        var noCheck = new Option<bool>("--no-check") { Description = "Store the token without asking intake (when intake cannot be reached from here); it may be mistyped" };
        var command = new Command("login", "Check your member token with intake and store it (file mode 600, next to the config file)") { token, noCheck };
        return command.Does(env, async (ctx, ct) =>
        {
            var value = ctx.Value(token);
            if (string.IsNullOrWhiteSpace(value))
            {
                if (env.InputRedirected) value = await env.In.ReadLineAsync(ct);
                else
                {
                    env.Err.Write("Paste your member token (not shown) and press Enter: ");
                    value = await env.ReadSecretLine(ct);
                }
            }
            if (string.IsNullOrWhiteSpace(value)) throw new UsageException("no token given (use --token or pipe it on stdin)");
            // Checked here: such a token cannot even be sent (HTTP headers are ASCII), and the failure would read as
            // "cannot reach intake" and store the mangled token over a working one.
            if (!value.Trim().All(c => c is > ' ' and < (char)127))
                throw new UsageException("the token has characters no token has (spaces, or outside ASCII: a mangled paste?); nothing was stored");
            var settings = ctx.Settings;
            // The stored token is replaced only by one intake accepts (a refused or mistyped one would lock out a working
            // login), or by --no-check.
            if (ctx.Value(noCheck))
            {
                TokenFile.Write(settings.TokenPath, value);
                if (ctx.Json) ctx.Out.WriteLine(new JsonObject { ["stored"] = settings.TokenPath, ["checked"] = false }.ToJsonString());
                else ctx.Plain($"Token stored in {settings.TokenPath} without being checked (`coord whoami` checks it)");
                return 0;
            }
            ApiResponse who;
            try
            {
                who = await new ServiceClient("intake", settings.IntakeUrl, value.Trim(), env.Handler).GetAsync("/whoami", ct);
            }
            catch (ApiProblemException refused)
            {
                CommandActions.Report(ctx, refused);
                env.Err.WriteLine($"the token was not stored (the one in {settings.TokenPath}, if any, is unchanged)");
                return CommandActions.ServiceError;
            }
            catch (ServiceUnreachableException e)
            {
                env.Err.WriteLine($"{e.Message}: the token was not stored (the one in {settings.TokenPath}, if any, is unchanged); " +
                                  "`coord login --no-check` stores it unchecked");
                return CommandActions.ServiceError;
            }
            TokenFile.Write(settings.TokenPath, value);
            ctx.Show(who, j => ctx.Plain($"Logged in as {j.S("name")} ({j.S("role")}); token stored in {settings.TokenPath}"));
            return 0;
        });
    }

    public static Command WhoAmI(CliEnvironment env)
    {
        var command = new Command("whoami", "Show who the token belongs to, as each of the four services sees it");
        return command.Does(env, async (ctx, ct) =>
        {
            if (ctx.Json) return await WhoAmIJsonAsync(ctx, ct);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("service", "url", "member", "role");
            var failures = 0;
            foreach (var service in ctx.Api.All)
            {
                try
                {
                    var j = (await service.GetAsync("/whoami", ct)).Json;
                    table.AddRow(Markup.Escape(service.Name), Markup.Escape(service.BaseUrl), Markup.Escape($"{j.S("name")} ({j.S("memberId")})"), Markup.Escape(j.S("role")));
                }
                catch (Exception e) when (e is ApiProblemException or ServiceUnreachableException or BadAnswerException)
                {
                    failures++;
                    var why = e is ApiProblemException p ? string.Join("; ", ProblemFormatter.Lines(p.Service, p.Status, p.Body)) : e.Message;
                    table.AddRow(Markup.Escape(service.Name), Markup.Escape(service.BaseUrl), "[red]" + Markup.Escape(why) + "[/]", "");
                }
            }
            ctx.Console.Write(table);
            return failures == 0 ? 0 : CommandActions.ServiceError;
        });
    }

    /// <summary>
    /// A JSON array, one entry per service: {service, url, whoami} with the service's answer, or {service, url, status?,
    /// error} when it refused or could not be reached (then exit 1).
    /// </summary>
    private static async Task<int> WhoAmIJsonAsync(CliContext ctx, CancellationToken ct)
    {
        var entries = new JsonArray();
        var failures = 0;
        foreach (var service in ctx.Api.All)
        {
            var entry = new JsonObject { ["service"] = service.Name, ["url"] = service.BaseUrl };
            try
            {
                entry["whoami"] = (await service.GetAsync("/whoami", ct)).Json;
            }
            catch (ApiProblemException p)
            {
                failures++;
                entry["status"] = (int)p.Status;
                entry["error"] = string.Join("; ", ProblemFormatter.Lines(p.Service, p.Status, p.Body));
            }
            catch (Exception e) when (e is ServiceUnreachableException or BadAnswerException)
            {
                failures++;
                entry["error"] = e.Message;
            }
            entries.Add(entry);
        }
        ctx.Out.WriteLine(entries.ToJsonString());
        return failures == 0 ? 0 : CommandActions.ServiceError;
    }
}

using System.CommandLine;
using System.CommandLine.Invocation;
using Coord.Cli;
using Coord.Commands;

namespace Coord;

/// <summary>The command tree. Every command has --help; --json and --token-file apply everywhere.</summary>
public static class CoordCli
{
    public static RootCommand Build(CliEnvironment env)
    {
        var root = new RootCommand("coord — coordinate embargoed vulnerability fixes from the terminal.\n" +
            "Settings: ~/.config/coord/config.json or $COORD_CONFIG; COORD_INTAKE_URL, COORD_EMBARGO_URL, COORD_NOTIFIER_URL, COORD_DISCLOSURE_URL, COORD_TOKEN.")
        {
            GlobalOptions.Json,
            GlobalOptions.TokenFile,
        };
        root.Subcommands.Add(AuthCommands.Login(env));
        root.Subcommands.Add(AuthCommands.WhoAmI(env));
        root.Subcommands.Add(ReportCommands.Build(env));
        root.Subcommands.Add(CaseCommands.Build(env));
        root.Subcommands.Add(CreditCommands.Build(env));
        root.Subcommands.Add(RegistryCommands.Projects(env));
        root.Subcommands.Add(RegistryCommands.Contacts(env));
        root.Subcommands.Add(RecipientsCommand.Build(env));
        root.Subcommands.Add(EmbargoCommands.Build(env));
        root.Subcommands.Add(StatusCommand.Build(env));
        root.Subcommands.Add(ResendCommand.Build(env));
        root.Subcommands.Add(WarnCommand.Build(env));
        root.Subcommands.Add(AdvisoryCommands.Build(env));
        root.Subcommands.Add(Demo.DemoCommand.Build(env));
        return root;
    }

    /// <summary>
    /// Runs a command line. A line that does not parse (unknown command, missing option, a value of the wrong type)
    /// is bad input like any other: its errors, one a line on stderr, exit code 2, no help text (--help shows it).
    /// </summary>
    public static Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken ct = default)
    {
        var parse = Build(env).Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors) env.Err.WriteLine(error.Message);
            if (parse.CommandResult.Command is { Action: null, Subcommands.Count: > 0 } group)
                env.Err.WriteLine($"commands: {string.Join(", ", group.Subcommands.Select(c => c.Name))} (each has --help)");
            return Task.FromResult(CommandActions.UsageError);
        }
        return parse.InvokeAsync(new InvocationConfiguration { Output = env.Out, Error = env.Err }, ct);
    }
}

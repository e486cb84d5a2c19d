using System.CommandLine;
using Coord.Cli;

namespace Coord.Demo;

/// <summary>coord demo: the scripted scenario ./run.sh demo plays against the running services.</summary>
public static class DemoCommand
{
    public static Command Build(CliEnvironment env)
    {
        var mailDir = new Option<DirectoryInfo>("--mail-dir") { Description = "The mail sink's folder (.eml files)", Required = true };
        var embargo = new Option<int>("--embargo-seconds") { Description = "How far ahead the disclosure is", DefaultValueFactory = _ => 30 };
        var command = new Command("demo", "Play the scripted scenario: report → case → draft → downstream projects → embargo → notices → acknowledgements → disclosure") { mailDir, embargo };
        return command.Does(env, (ctx, ct) => new DemoScenario(ctx, ctx.Value(mailDir), TimeSpan.FromSeconds(ctx.Value(embargo))).RunAsync(ct));
    }
}

using System.CommandLine;
using Coord.Config;
using Coord.Http;
using Spectre.Console;

namespace Coord.Cli;

/// <summary>One invocation: settings resolved from the parse result, the APIs, and where to write.</summary>
public sealed class CliContext(CliEnvironment environment, ParseResult parse)
{
    private CoordSettings? settings;
    private CoordApi? api;
    private IAnsiConsole? console;

    public CliEnvironment Environment { get; } = environment;
    public ParseResult Parse { get; } = parse;
    public bool Json => Parse.GetValue(GlobalOptions.Json);
    public CoordSettings Settings => settings ??= ConfigLoader.Load(Environment.Variables, Parse.GetValue(GlobalOptions.TokenFile)?.FullName);
    public CoordApi Api => api ??= new CoordApi(Settings, Environment.Handler);
    public IAnsiConsole Console => console ??= Environment.CreateConsole();
    public TextWriter Out => Environment.Out;
    public TextWriter Err => Environment.Err;

    // System.CommandLine 2.0 reports a value that does not convert when parsing, except in an array option
    // (`--report a b`): there GetValue throws. Either way it is bad input: one line, exit code 2.
    public T Value<T>(Option<T> option) => Converted(() => Parse.GetValue(option)!);
    public T Value<T>(Argument<T> argument) => Converted(() => Parse.GetValue(argument)!);

    private static T Converted<T>(Func<T> value)
    {
        try { return value(); }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal)) { throw new UsageException(e.Message); }
    }

    /// <summary>With --json the raw body; otherwise the human rendering.</summary>
    public void Show(ApiResponse response, Action<System.Text.Json.Nodes.JsonNode?> human)
    {
        if (Json) Out.WriteLine(response.Body);
        else human(response.Json);
    }

    public void Line(string text) => Console.MarkupLine(text);
    /// <summary>Text as it is, but for terminal controls (Output.TerminalText): it may come from anyone (a report).</summary>
    public void Plain(string text) => Console.WriteLine(Output.TerminalText.Safe(text));
}

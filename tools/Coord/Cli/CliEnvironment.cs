using Spectre.Console;

namespace Coord.Cli;

/// <summary>What the command line runs against: streams, environment variables, and (for tests) an HTTP handler.</summary>
public sealed class CliEnvironment
{
    public TextWriter Out { get; init; } = Console.Out;
    public TextWriter Err { get; init; } = Console.Error;
    public TextReader In { get; init; } = Console.In;
    public bool InputRedirected { get; init; } = Console.IsInputRedirected;
    public IReadOnlyDictionary<string, string?> Variables { get; init; } = Config.ConfigLoader.ProcessEnvironment();
    public HttpMessageHandler? Handler { get; init; }
    public bool Interactive { get; init; } = !Console.IsOutputRedirected;
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Reads a line typed at the terminal without showing it (a token pasted where others can see the screen).</summary>
    public Func<CancellationToken, Task<string?>> ReadSecretLine { get; init; } = ReadConsoleLineUnechoed;

    private static Task<string?> ReadConsoleLineUnechoed(CancellationToken ct)
    {
        var line = new System.Text.StringBuilder();
        while (!ct.IsCancellationRequested)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (line.Length > 0) line.Length--; }
            else if (!char.IsControl(key.KeyChar)) line.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return Task.FromResult<string?>(line.ToString());
    }

    public IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
        Out = new AnsiConsoleOutput(Out),
        Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Redirected output (scripts, logs, tests) is not wrapped at 80 columns.
        if (!Interactive) console.Profile.Width = 200;
        return console;
    }
}

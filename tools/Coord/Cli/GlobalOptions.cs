using System.CommandLine;

namespace Coord.Cli;

/// <summary>Options every command understands.</summary>
public static class GlobalOptions
{
    public static readonly Option<bool> Json = new("--json") { Description = "Print the services' raw JSON (for scripts)", Recursive = true };

    public static readonly Option<FileInfo?> TokenFile = new("--token-file")
    {
        Description = "Read the member token from this file instead of the stored one / COORD_TOKEN", Recursive = true,
    };
}

namespace Coord.Cli;

/// <summary>Files named on the command line, read as text; a missing or unreadable one is a usage error naming the option.</summary>
public static class InputFiles
{
    public static async Task<string> ReadAsync(FileInfo file, string option, CancellationToken ct)
    {
        if (Directory.Exists(file.FullName)) throw new UsageException($"{option}: {file.FullName} is a folder, not a file");
        if (!file.Exists) throw new UsageException($"{option}: {file.FullName} does not exist");
        try
        {
            return await File.ReadAllTextAsync(file.FullName, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot read {file.FullName}: {e.Message}");
        }
    }
}

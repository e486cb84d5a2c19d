namespace Coord.Cli;

/// <summary>Files named on the command line, read as text; a missing or unreadable one is a usage error naming the option.</summary>
public static class InputFiles
{
    public static Task<string> ReadAsync(FileInfo file, string option, CancellationToken ct) =>
        ReadAsync(file, option, () => File.ReadAllTextAsync(file.FullName, ct));

    /// <summary>The file's bytes, undecoded (a CSV sent in the charset it is in).</summary>
    public static Task<byte[]> ReadBytesAsync(FileInfo file, string option, CancellationToken ct) =>
        ReadAsync(file, option, () => File.ReadAllBytesAsync(file.FullName, ct));

    private static async Task<T> ReadAsync<T>(FileInfo file, string option, Func<Task<T>> read)
    {
        if (Directory.Exists(file.FullName)) throw new UsageException($"{option}: {file.FullName} is a folder, not a file");
        if (!file.Exists) throw new UsageException($"{option}: {file.FullName} does not exist");
        try
        {
            return await read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot read {file.FullName}: {e.Message}");
        }
    }
}

using System.Net;
using Coord.Tests.Support;

namespace Coord.Tests;

/// <summary>coord projects import sends a CSV's bytes as they are, labelled with the charset they are in.</summary>
public sealed class CsvImportBytesTests
{
    [Theory]
    [InlineData(null, "utf-8")]
    [InlineData("windows-1252", "windows-1252")]
    public async Task A_csv_goes_byte_for_byte_with_its_charset_never_decoded_by_coord(string? charset, string sent)
    {
        var file = Path.Combine(Path.GetTempPath(), $"coord-import-{Guid.NewGuid():N}.csv");
        byte[] bytes = [.. "project,name,email\r\nJ"u8, 0xFC, .. "rgen distro,J,j@x.test\r\n"u8]; // "Jürgen" in Windows-1252
        await File.WriteAllBytesAsync(file, bytes);
        byte[]? body = null;
        string? contentType = null;
        var handler = new RoutedHandler(req =>
        {
            body = req.Content!.ReadAsByteArrayAsync().Result;
            contentType = req.Content.Headers.ContentType?.ToString();
            return RoutedHandler.Json(HttpStatusCode.OK, """{"rows":1,"imported":1,"rejected":0,"results":[]}""");
        });
        string[] args = charset is null ? ["projects", "import", file] : ["projects", "import", file, "--charset", charset];
        var run = await CliRun.RunAsync(args, new Dictionary<string, string?> { ["COORD_TOKEN"] = "t" }, handler);
        File.Delete(file);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Equal(bytes, body);
        Assert.Equal($"text/csv; charset={sent}", contentType);
    }
}

using System.Net;
using Coord.Tests.Support;

namespace Coord.Tests;

/// <summary>
/// A request coord makes has 30 s to be answered, except a bulk import: the notifier checks every key in it (minutes for
/// 10,000 keyed contacts) and undoes the whole import when coord gives up.
/// </summary>
public sealed class RequestTimeoutTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(33);

    /// <summary>Answers after <see cref="Slow"/>, as a service busy with a large request does.</summary>
    private sealed class SlowHandler(string body) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Slow, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        }
    }

    [Fact]
    public async Task A_bulk_import_waits_for_its_answer_beyond_30_s_and_a_list_does_not()
    {
        var file = Path.Combine(Path.GetTempPath(), $"coord-import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "project,name,email\r\nP,A,a@example.org\r\n");
        var env = new Dictionary<string, string?> { ["COORD_TOKEN"] = "t" };
        var import = CliRun.RunAsync(["projects", "import", file], env,
            new SlowHandler("""{"rows":1,"imported":1,"rejected":0,"results":[{"row":1,"status":"imported"}]}"""));
        var list = CliRun.RunAsync(["projects", "list"], env, new SlowHandler("[]"));

        var listed = await list;
        Assert.NotEqual(0, listed.ExitCode);
        Assert.Contains("no answer within 30 s", listed.Err);
        var imported = await import;
        File.Delete(file);
        Assert.True(imported.ExitCode == 0, imported.Err);
        Assert.Contains("1 imported", imported.Out);
    }
}

using System.Net;
using Coord.Tests.Support;

namespace Coord.Tests;

public sealed class AdvisoryPreviewTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_draft_disclosure_would_not_publish_is_previewed_with_a_warning_on_stderr(bool json)
    {
        var handler = new RoutedHandler(_ =>
        {
            var answer = RoutedHandler.Json(HttpStatusCode.OK, """{"id":"x_COORD-2026-1","affected":[]}""");
            answer.Headers.Add("X-Publication-Refused", "the draft names no affected package");
            return answer;
        });
        var run = await CliRun.RunAsync([.. json ? ["--json"] : Array.Empty<string>(), "advisory", "preview", Guid.NewGuid().ToString()], handler: handler);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("x_COORD-2026-1", run.Out);
        Assert.Equal("warning: disclosure would not publish this draft: the draft names no affected package", run.Err.Trim());
    }

    [Fact]
    public async Task A_publishable_draft_is_previewed_without_a_warning()
    {
        var handler = new RoutedHandler(_ => RoutedHandler.Json(HttpStatusCode.OK, """{"id":"x_COORD-2026-1"}"""));
        var run = await CliRun.RunAsync(["advisory", "preview", Guid.NewGuid().ToString()], handler: handler);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Err);
    }
}

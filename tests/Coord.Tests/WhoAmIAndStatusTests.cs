using System.Net;
using System.Text.Json.Nodes;
using Coord.Tests.Support;

namespace Coord.Tests;

public sealed class WhoAmIAndStatusTests
{
    [Fact]
    public async Task Whoami_json_is_an_array_with_every_service_s_answer_or_failure()
    {
        var handler = new RoutedHandler(r => r.RequestUri!.Port switch
        {
            35103 => RoutedHandler.Json(HttpStatusCode.Unauthorized, """{"title":"Unauthorized","status":401}""", "application/problem+json"),
            35104 => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"),
            _ => RoutedHandler.Json(HttpStatusCode.OK, """{"name":"Ann","role":"admin","memberId":"m1"}"""),
        });
        var run = await CliRun.RunAsync(["--json", "whoami"], new Dictionary<string, string?> { ["COORD_TOKEN"] = "t" }, handler);
        Assert.Equal(1, run.ExitCode);
        var entries = JsonNode.Parse(run.Out)!.AsArray();
        Assert.Equal(["intake", "embargo-scheduler", "downstream-notifier", "disclosure"], entries.Select(e => e!["service"]!.ToString()));
        Assert.Equal("Ann", entries[0]!["whoami"]!["name"]!.ToString());
        Assert.Equal("admin", entries[1]!["whoami"]!["role"]!.ToString());
        Assert.Equal(401, entries[2]!["status"]!.GetValue<int>());
        Assert.Contains("cannot reach disclosure", entries[3]!["error"]!.ToString());
        Assert.Equal("http://127.0.0.1:35104", entries[3]!["url"]!.ToString());
    }

    [Fact]
    public async Task Whoami_json_exits_0_when_every_service_knows_the_token()
    {
        var handler = new RoutedHandler(_ => RoutedHandler.Json(HttpStatusCode.OK, """{"name":"Ann","role":"admin"}"""));
        var run = await CliRun.RunAsync(["--json", "whoami"], new Dictionary<string, string?> { ["COORD_TOKEN"] = "t" }, handler);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(4, JsonNode.Parse(run.Out)!.AsArray().Count);
        Assert.Equal(4, handler.Requests.Count);
    }

    [Fact]
    public async Task The_live_status_view_refuses_json_before_any_request()
    {
        var handler = new RoutedHandler(_ => RoutedHandler.Json(HttpStatusCode.OK, "{}"));
        var running = CliRun.RunAsync(["status", Guid.NewGuid().ToString(), "--json"], handler: handler);
        Assert.True(await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(10))) == running, "the live view started (and never ends)");
        var run = await running;
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("--json needs --once", run.Err);
        Assert.Empty(handler.Requests);
    }
}

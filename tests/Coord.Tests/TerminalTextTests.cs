using System.Net;
using Coord.Tests.Support;

namespace Coord.Tests;

/// <summary>A report's text comes from anyone: shown in a member's terminal, its escape sequences are not run.</summary>
public sealed class TerminalTextTests
{
    [Fact]
    public async Task A_report_shown_or_listed_carries_no_terminal_control_sequences_but_keeps_its_lines()
    {
        const string osc52 = "\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007"; // sets the clipboard in many terminals
        var report = $$"""
            {"id":"{{Guid.NewGuid()}}","status":"received","receivedAt":"2026-11-29T10:00:00Z","source":"http","reporterName":"Rita\u001b[8m",
             "reporterEmail":"rita@example.org","subject":"Crash\u202Egnp.exe","components":["x"],"encrypted":false,"creditWanted":false,
             "description":"line one\r\nline two{{osc52.Replace("\u001b", "\\u001b").Replace("\u0007", "\\u0007")}}\n\tindented"}
            """;
        var show = await CliRun.RunAsync(["report", "show", Guid.NewGuid().ToString()], new Dictionary<string, string?> { ["COORD_TOKEN"] = "t" },
            new CannedHandler(HttpStatusCode.OK, report, "application/json"));
        Assert.True(show.ExitCode == 0, show.Err);
        Assert.DoesNotContain(show.Out, c => c is '\u001b' or '\u0007' or '\u202E' or '\r');
        Assert.Contains("line one\nline two", show.Out);
        Assert.Contains("\n\tindented", show.Out);

        var list = await CliRun.RunAsync(["report", "list"], new Dictionary<string, string?> { ["COORD_TOKEN"] = "t" },
            new CannedHandler(HttpStatusCode.OK, $"[{report}]", "application/json"));
        Assert.True(list.ExitCode == 0, list.Err);
        Assert.DoesNotContain(list.Out, c => c is '\u001b' or '\u202E');
        Assert.Contains("Crash", list.Out); // listed, its subject's control character replaced
    }
}

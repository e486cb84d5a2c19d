using System.Net;
using Coord.Tests.Support;

namespace Coord.Tests;

public sealed class WarnCommandTests
{
    [Fact]
    public async Task Warn_posts_to_the_case_and_lists_who_gets_the_notice()
    {
        var handler = new CannedHandler(HttpStatusCode.Accepted, """
            {"caseId":"c","notificationId":"5d0c8f5e-0000-4000-8000-000000000001","recipients":[
             {"contactId":"a","email":"sec@gentoo.test","projectId":"p","project":"Gentoo dev-python/urllib3","path":["Gentoo dev-python/urllib3","depends on pkg:pypi/urllib3"],"mode":"encrypted"}]}
            """, "application/json");
        var caseId = Guid.NewGuid();
        var run = await CliRun.RunAsync(["warn", caseId.ToString()], handler: handler);
        Assert.Equal(0, run.ExitCode);
        var request = handler.Requests.Single();
        Assert.Equal((HttpMethod.Post, $"http://127.0.0.1:35103/cases/{caseId}/recipients/warn"), (request.Method, request.RequestUri!.ToString()));
        Assert.Contains("1 recipient(s) not warned yet get the embargo's notice", run.Out);
        Assert.Contains("sec@gentoo.test", run.Out);
        Assert.Contains("encrypted", run.Out);
    }

    [Fact]
    public async Task Warn_says_when_everybody_was_warned_and_shows_why_there_is_no_embargo_to_warn_of()
    {
        var none = new CannedHandler(HttpStatusCode.OK, """{"caseId":"c","notificationId":null,"recipients":[]}""", "application/json");
        var run = await CliRun.RunAsync(["warn", Guid.NewGuid().ToString()], handler: none);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Every recipient has been warned; nothing sent.", run.Out);

        var conflict = new CannedHandler(HttpStatusCode.Conflict,
            """{"status":409,"title":"No running embargo to warn of","detail":"the embargo has ended (public)"}""", "application/problem+json");
        var refused = await CliRun.RunAsync(["warn", Guid.NewGuid().ToString()], handler: conflict);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("the embargo has ended (public)", refused.Err);
    }

    [Fact]
    public async Task Recipients_shows_who_is_not_warned_yet_and_the_hint_to_warn_them()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, """
            {"caseId":"c","maxDepth":3,"affectedPackages":["pkg:pypi/urllib3"],"recipients":[
             {"contactId":"a","name":"Gentoo","email":"sec@gentoo.test","project":"Gentoo","path":["Gentoo"],"mode":"plain","warned":false},
             {"contactId":"b","name":"Alpine","email":"sec@alpine.test","project":"Alpine","path":["Alpine"],"mode":"plain","warned":true}],
             "warnings":["1 recipient(s) registered during the embargo not warned yet: POST /cases/c/recipients/warn (coord warn) warns them"]}
            """, "application/json");
        var run = await CliRun.RunAsync(["recipients", Guid.NewGuid().ToString()], handler: handler);
        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n');
        Assert.Contains(lines, l => l.Contains("warned"));
        Assert.Contains(lines, l => l.Contains("sec@gentoo.test") && l.Contains(" no "));
        Assert.Contains(lines, l => l.Contains("sec@alpine.test") && l.Contains(" yes "));
        Assert.Contains("coord warn", run.Err);
    }
}

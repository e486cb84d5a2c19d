using System.Net;
using Coord.Tests.Support;

namespace Coord.Tests;

public sealed class ResendCommandTests
{
    private const string Answer = """
        {"caseId":"c","resent":[{"noticeId":7,"contactId":"a","email":"back@alpine.test","kind":"Embargoed","lastError":"550 MailboxUnavailable: no such user"}],
         "notResent":[{"noticeId":8,"contactId":"b","email":"old@alpine.test","kind":"Embargoed","reason":"the contact was deleted"}]}
        """;

    [Fact]
    public async Task Resend_names_the_contacts_given_and_shows_what_goes_again_and_what_stays_failed()
    {
        var handler = new CannedHandler(HttpStatusCode.Accepted, Answer, "application/json");
        var (caseId, contact) = (Guid.NewGuid(), Guid.NewGuid());
        var run = await CliRun.RunAsync(["resend", caseId.ToString(), "--contact", contact.ToString()], handler: handler);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"http://127.0.0.1:35103/cases/{caseId}/notices/resend", handler.Requests.Single().RequestUri!.ToString());
        Assert.Equal($$"""{"contactIds":["{{contact}}"]}""", handler.Bodies.Single());
        Assert.Contains("1 failed notice(s) queued again", run.Out);
        Assert.Contains("back@alpine.test", run.Out);
        Assert.Contains("1 stay failed", run.Out);
        Assert.Contains("the contact was deleted", run.Out);
    }

    [Fact]
    public async Task Resend_without_contacts_sends_no_body_and_a_bad_contact_id_is_a_usage_error()
    {
        var handler = new CannedHandler(HttpStatusCode.Accepted, """{"caseId":"c","resent":[],"notResent":[]}""", "application/json");
        var run = await CliRun.RunAsync(["resend", Guid.NewGuid().ToString()], handler: handler);
        Assert.Equal(0, run.ExitCode);
        Assert.Null(handler.Bodies.Single());
        Assert.Contains("No failed notice queued again.", run.Out);

        var bad = await CliRun.RunAsync(["resend", Guid.NewGuid().ToString(), "--contact", "bob"], handler: handler);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("Cannot parse argument 'bob' for option '--contact'", bad.Err);
        Assert.Single(handler.Requests);
    }
}

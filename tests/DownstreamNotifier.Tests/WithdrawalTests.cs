using System.Text.Json;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using DownstreamNotifier.Tests.Support;
using MailSink;
using MimeKit;

namespace DownstreamNotifier.Tests;

/// <summary>A case withdrawn during its embargo: those told hear that it is off, and nobody hears anything more.</summary>
public sealed class WithdrawalTests
{
    [Fact]
    public async Task A_withdrawal_cancels_what_was_not_sent_tells_only_those_told_and_stops_later_rounds()
    {
        // No redelivery: a late message that failed would be in the _error queue at once, not waiting a minute to come again.
        await using var h = await NotifierHarness.StartAsync(to => to.StartsWith("busy", StringComparison.Ordinal) ? new SmtpReply(451, "try again later") : null,
            new() { ["RabbitMq__RedeliveryIntervals"] = "" });
        var plain = await h.CreateProjectAsync("Plain distro", ["pkg:pypi/pillow"]);
        var keyless = await h.CreateProjectAsync("Keyless distro", ["pkg:pypi/pillow"], ["distros"]);
        await h.CreateContactAsync(plain, "told@plain.test");
        await h.CreateContactAsync(plain, "busy@plain.test");
        await h.CreateContactAsync(keyless, "told@keyless.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        var embargoed = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, embargoed, disclosureAt, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2 && n.Counts["deferred"] == 1);
        var link = LinkTests.LinkIn(Messages(h, "told@plain.test").Single());
        // A revision nobody told of yet (it reaches no new project): the Withdrawn round holds it, but tells none of it.
        await h.PublishDraftAsync(caseId, 2, "REVISED-TITLE nobody was told", NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));

        var withdrawn = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Withdrawn, withdrawn, disclosureAt, ["default"], "a duplicate of an earlier frobnicator case"));
        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 4);
        Assert.Equal("cancelled", done.Notices.Single(n => n.Email == "busy@plain.test").State);
        Assert.Equal(1, done.Counts["cancelled"]);
        Assert.Equal(["told@keyless.test", "told@plain.test"],
            done.Notices.Where(n => n.Kind == NoticeKinds.Withdrawn).Select(n => n.Email).Order());
        await Db.WaitForRoundDoneAsync(h, embargoed); // its cancelled notice no longer holds it open
        await Db.WaitForRoundDoneAsync(h, withdrawn);

        var toPlain = Text(Messages(h, "told@plain.test").Single(m => m.Subject!.Contains("withdrawn", StringComparison.OrdinalIgnoreCase)));
        Assert.Contains("no coordinated disclosure", toPlain);
        Assert.Contains("a duplicate of an earlier frobnicator case", toPlain);
        Assert.DoesNotContain("Disclosure:", toPlain);
        var toKeyless = Text(Messages(h, "told@keyless.test").Single(m => m.Subject!.Contains("withdrawn", StringComparison.OrdinalIgnoreCase)));
        Assert.Contains("no coordinated disclosure", toKeyless);
        Assert.DoesNotContain("frobnicator", toKeyless); // link-only: not even the reason

        // An Embargoed round and a Reminder that arrive after the withdrawal record nothing.
        var late = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, late, disclosureAt, ["default"]));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Reminder, Guid.NewGuid(), disclosureAt, ["default"]));
        // A round of another case sent after them, recorded: the queue has reached the two late ones (and none failed).
        var other = Guid.NewGuid();
        await h.PublishDraftAsync(other, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        await h.SendAsync(new NotifyDownstream(other, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"]));
        await h.WaitForNoticesAsync(other, n => n.Counts["total"] == 3);
        await Task.Delay(2000);
        Assert.False(await TestInfrastructure.QueueExistsAsync(h.Isolation.VirtualHost, Queues.DownstreamNotifier + "_error"), "a late message failed");
        Assert.Equal(0L, await Db.ScalarAsync<long>(h, "SELECT count(*) FROM notifier.notifications WHERE id = $1", late));
        var after = await h.WaitForNoticesAsync(caseId, _ => true);
        Assert.Equal(done.Counts["total"], after.Counts["total"]);
        Assert.Equal(0, after.Counts["pending"] + after.Counts["deferred"]);

        using var anonymous = h.Service.CreateClient();
        var page = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, link) { Headers = { { "Accept", "text/html" } } });
        Assert.True(page.Headers.CacheControl?.NoStore, "the notice page may be cached");
        Assert.Equal("no-referrer", Assert.Single(page.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(page.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("frame-ancestors 'none'", Assert.Single(page.Headers.GetValues("Content-Security-Policy")));
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Embargoed until", html);
        Assert.Contains("Withdrawn", html);
        var json = JsonDocument.Parse(await anonymous.GetStringAsync(link)).RootElement;
        Assert.Equal("withdrawn", json.GetProperty("state").GetString());
        // The link shows the case as the notice that told it (revision 1), not the newer revision the Withdrawn round holds.
        Assert.Equal("Heap overflow in the frobnicator", json.GetProperty("title").GetString());
        Assert.DoesNotContain("REVISED-TITLE", html);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("disclosureAt").ValueKind);
    }

    private static string Text(MimeMessage m) => ((TextPart)m.Body!).Text;

    private static List<MimeMessage> Messages(NotifierHarness h, string to) =>
        h.Sink.Messages().Select(f => MimeMessage.Load(f)).Where(m => m.To.Mailboxes.Any(a => a.Address == to)).ToList();
}

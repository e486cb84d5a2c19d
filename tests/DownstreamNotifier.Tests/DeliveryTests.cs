using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;
using MailSink;
using MimeKit;

namespace DownstreamNotifier.Tests;

public sealed class DeliveryTests
{
    [Fact]
    public async Task A_temporary_refusal_is_retried_and_delivered_once_and_a_permanent_one_is_failed_and_reported()
    {
        var busyRefusals = 0;
        await using var h = await NotifierHarness.StartAsync(to =>
            to.StartsWith("busy", StringComparison.Ordinal) && Interlocked.Increment(ref busyRefusals) <= 2 ? new SmtpReply(451, "try again later")
            : to.StartsWith("gone", StringComparison.Ordinal) ? new SmtpReply(550, "no such user") : null);
        var project = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(project, "busy@alpine.test");
        await h.CreateContactAsync(project, "gone@alpine.test");
        await h.CreateContactAsync(project, "fine@alpine.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        var notification = new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]);
        await h.SendAsync(notification);
        await h.SendAsync(notification); // a redelivery changes nothing

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2 && n.Counts["failed"] == 1);
        var busy = done.Notices.Single(n => n.Email == "busy@alpine.test");
        Assert.Equal(3, busy.Attempts);
        var gone = done.Notices.Single(n => n.Email == "gone@alpine.test");
        Assert.Contains("550", gone.LastError);
        Assert.Equal(3, done.Counts["total"]);

        await Task.Delay(1500);
        var recipients = h.Sink.Messages().Select(f => MimeMessage.Load(f).To.Mailboxes.Single().Address).Order().ToList();
        Assert.Equal(["busy@alpine.test", "fine@alpine.test"], recipients);
    }

    [Fact]
    public async Task Killed_in_the_middle_of_2000_notices_and_started_again_every_contact_gets_exactly_one_notice()
    {
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Smtp__MaxConnections"] = "4", ["Notifier__BatchSize"] = "20" });
        var rows = Enumerable.Range(0, 40).Select(p => new
        {
            name = $"Project {p}", packages = new[] { "pkg:pypi/requests" }, channels = Array.Empty<string>(),
            contacts = Enumerable.Range(0, 50).Select(c => new { name = $"C{c}", email = $"c{c}@p{p}.test" }).ToArray(),
        }).ToArray();
        var import = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(h.Http, "import", rows);
        import.EnsureSuccessStatusCode();
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "requests", "pkg:pypi/requests"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(5), ["default"]));

        await h.Sink.WaitForMessagesAsync(300, TimeSpan.FromSeconds(60));
        await h.KillServiceAsync();
        var atKill = h.Sink.Messages().Count;
        Assert.InRange(atKill, 300, 1999);
        await h.StartServiceAsync();

        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2000, TimeSpan.FromSeconds(120));
        await Task.Delay(1000);
        var delivered = h.Sink.Messages().Select(f => MimeMessage.Load(f))
            .Select(m => (To: m.To.Mailboxes.Single().Address, m.MessageId)).ToList();
        // No contact is left out, and each gets one notice: one Message-Id, never two different notices.
        var perRecipient = delivered.GroupBy(d => d.To).ToDictionary(g => g.Key, g => g.Select(d => d.MessageId).Distinct().Count());
        Assert.Equal(2000, perRecipient.Count);
        Assert.All(perRecipient, kv => Assert.Equal(1, kv.Value));
        // SMTP cannot make delivery exactly once across a kill -9: a notice the server accepted in the instant
        // before its acceptance was recorded goes again, with the same Message-Id (mail systems fold such copies).
        // A connection sends only once all but the last of its acceptances are on record: at most two copies each.
        Assert.InRange(delivered.Count - 2000, 0, 2 * 4);
    }
}

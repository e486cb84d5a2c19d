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
        var (busyRefusals, fullRefusals) = (0, 0);
        await using var h = await NotifierHarness.StartAsync(to =>
            to.StartsWith("busy", StringComparison.Ordinal) && Interlocked.Increment(ref busyRefusals) <= 2 ? new SmtpReply(451, "try again later")
            // 552 to RCPT is temporary (RFC 5321 4.5.3.1.10): a mailbox over quota
            : to.StartsWith("full", StringComparison.Ordinal) && Interlocked.Increment(ref fullRefusals) <= 1 ? new SmtpReply(552, "mailbox full")
            : to.StartsWith("gone", StringComparison.Ordinal) ? new SmtpReply(550, "no such user") : null);
        var project = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(project, "busy@alpine.test");
        await h.CreateContactAsync(project, "gone@alpine.test");
        await h.CreateContactAsync(project, "fine@alpine.test");
        await h.CreateContactAsync(project, "full@alpine.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        var notification = new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]);
        await h.SendAsync(notification);
        await h.SendAsync(notification); // a redelivery changes nothing

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 3 && n.Counts["failed"] == 1);
        var busy = done.Notices.Single(n => n.Email == "busy@alpine.test");
        Assert.Equal(3, busy.Attempts);
        var gone = done.Notices.Single(n => n.Email == "gone@alpine.test");
        Assert.Contains("550", gone.LastError);
        Assert.Equal(2, done.Notices.Single(n => n.Email == "full@alpine.test").Attempts);
        Assert.Equal(4, done.Counts["total"]);

        await Task.Delay(1500);
        var recipients = h.Sink.Messages().Select(f => MimeMessage.Load(f).To.Mailboxes.Single().Address).Order().ToList();
        Assert.Equal(["busy@alpine.test", "fine@alpine.test", "full@alpine.test"], recipients);
    }

    [Fact]
    public async Task A_reminder_waiting_on_the_server_is_not_sent_once_its_contact_has_acknowledged()
    {
        var hold = 0;
        await using var h = await NotifierHarness.StartAsync(to =>
            Volatile.Read(ref hold) == 1 && to.StartsWith("slow", StringComparison.Ordinal) ? new SmtpReply(451, "try again later") : null);
        var project = await h.CreateProjectAsync("Void python-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(project, "slow@void.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        var disclosure = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosure, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        var link = LinkTests.LinkIn(MimeMessage.Load(Assert.Single(h.Sink.Messages())));

        Volatile.Write(ref hold, 1);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Reminder, Guid.NewGuid(), disclosure, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Notices.Any(x => x.Kind == NoticeKinds.Reminder && x.State == "deferred"));
        using var anonymous = h.Service.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await anonymous.GetAsync(link)).StatusCode); // the contact reads the notice
        Volatile.Write(ref hold, 0);

        var done = await h.WaitForNoticesAsync(caseId, n => n.Notices.Any(x => x.Kind == NoticeKinds.Reminder && x.State == "cancelled"));
        Assert.Contains("acknowledged", done.Notices.Single(x => x.Kind == NoticeKinds.Reminder).LastError);
        await Task.Delay(1500);
        Assert.Single(h.Sink.Messages()); // the Embargoed notice only
    }

    [Fact]
    public async Task A_server_that_answers_the_end_of_a_message_later_than_the_timeout_gets_it_once()
    {
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Smtp__TimeoutSeconds"] = "2" });
        h.Sink.ReplyDelayAfterData = TimeSpan.FromSeconds(4); // stores each message, then answers its end late
        var project = await h.CreateProjectAsync("Slackware python-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(project, "security@slackware.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1, TimeSpan.FromSeconds(60));
        Assert.Equal(1, done.Notices.Single().Attempts);
        await Task.Delay(TimeSpan.FromSeconds(3)); // a retry would have stored a second copy by now
        Assert.Single(h.Sink.Messages());
    }

    [Fact]
    public async Task Stopped_while_a_server_has_not_yet_answered_the_end_of_a_notice_the_notice_is_not_sent_again_after_the_restart()
    {
        await using var h = await NotifierHarness.StartAsync();
        h.Sink.ReplyDelayAfterData = TimeSpan.FromSeconds(4); // stores the message, then answers its end late
        var project = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(project, "security@alpine.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));

        await h.Sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60)); // stored; the reply is 4 s away
        await h.Service.StopAsync(TimeSpan.FromSeconds(60)); // SIGTERM, as a rolling deploy does
        h.Sink.ReplyDelayAfterData = TimeSpan.Zero;
        await h.StartServiceAsync();

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1, TimeSpan.FromSeconds(60));
        Assert.Equal(1, done.Notices.Single().Attempts);
        await Task.Delay(TimeSpan.FromSeconds(2)); // a second send would have been stored by now
        Assert.Single(h.Sink.Messages());
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

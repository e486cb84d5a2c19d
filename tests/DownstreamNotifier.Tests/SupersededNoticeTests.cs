using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;
using MailSink;
using MimeKit;

namespace DownstreamNotifier.Tests;

/// <summary>A notice a mail server keeps deferring is not delivered after the news that replaced it: an extension, a
/// break or the disclosure cancels the case's undelivered notices that state the old instant.</summary>
public sealed class SupersededNoticeTests
{
    [Fact]
    public async Task A_deferred_Embargoed_notice_is_cancelled_by_an_extension_and_the_Extended_notice_alone_reaches_the_recipient()
    {
        var busy = true;
        await using var h = await NotifierHarness.StartAsync(to => Volatile.Read(ref busy) && to.StartsWith("slow", StringComparison.Ordinal)
            ? new SmtpReply(451, "try again later") : null);
        var project = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        var slow = await h.CreateContactAsync(project, "slow@alpine.test");
        await h.CreateContactAsync(project, "fine@alpine.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        var first = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), first, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1 && n.Notices.Any(x => x.ContactId == slow && x.State == "deferred" && x.Attempts >= 2));

        var later = first.AddDays(7);
        var extended = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, extended, later, ["default"], "the fix needs longer"));
        var after = await h.WaitForNoticesAsync(caseId, n => n.Notices.Any(x => x.ContactId == slow && x.Kind == NoticeKinds.Embargoed && x.State == "cancelled"));
        var cancelled = after.Notices.Single(x => x.ContactId == slow && x.Kind == NoticeKinds.Embargoed);
        Assert.StartsWith("superseded: the embargo was extended to", cancelled.LastError);

        Volatile.Write(ref busy, false);
        var done = await h.WaitForNoticesAsync(caseId, n => n.Notices.Count(x => x.Kind == NoticeKinds.Extended && x.State == "sent") == 2);
        Assert.Equal("cancelled", done.Notices.Single(x => x.ContactId == slow && x.Kind == NoticeKinds.Embargoed).State);
        await Task.Delay(1500); // a retry of the cancelled notice would have come by now
        var toSlow = h.Sink.Messages().Select(f => MimeMessage.Load(f)).Where(m => m.To.Mailboxes.Single().Address == "slow@alpine.test").ToList();
        var only = Assert.Single(toSlow);
        Assert.Contains("Embargo extended to", only.Subject);
        Assert.Contains("What: ", only.TextBody); // the Extended notice carries the details the Embargoed one would have

        // A resend cannot bring the old instant back either.
        var resend = await (await h.Http.PostAsync($"cases/{caseId}/notices/resend", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(resend.GetProperty("resent").EnumerateArray());
        Assert.StartsWith("out of date", Assert.Single(resend.GetProperty("notResent").EnumerateArray()).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_reminder_or_extension_arriving_after_the_instant_moved_and_any_round_after_the_embargo_ended_records_nothing()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(project, "sec@alpine.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        var first = DateTimeOffset.UtcNow.AddDays(7);
        var embargoed = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, embargoed, first, ["default"]));
        await Db.WaitForRoundDoneAsync(h, embargoed);
        var extended = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, extended, first.AddDays(14), ["default"], "the fix needs longer"));
        await Db.WaitForRoundDoneAsync(h, extended);

        // Sent before the extension, delivered after it (retried, or waiting for a draft revision): the old instant.
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Reminder, Guid.NewGuid(), first, ["default"]));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, Guid.NewGuid(), first.AddDays(7), ["default"], "a week more"));
        await WaitForOutOfDateRoundsAsync(h, 2);
        var broken = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Broken, broken, DateTimeOffset.UtcNow, ["default"], "published on a mailing list"));
        await Db.WaitForRoundDoneAsync(h, broken);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Reminder, Guid.NewGuid(), first.AddDays(14), ["default"]));
        await WaitForOutOfDateRoundsAsync(h, 3);

        var notices = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 3);
        Assert.Equal([NoticeKinds.Broken, NoticeKinds.Embargoed, NoticeKinds.Extended], notices.Notices.Select(n => n.Kind).Order());
        await Task.Delay(500);
        Assert.Equal(3, h.Sink.Messages().Count);
    }

    private static async Task WaitForOutOfDateRoundsAsync(NotifierHarness h, int count)
    {
        for (var i = 0; i < 300 && System.Text.RegularExpressions.Regex.Count(h.Service.Output, "is out of date") < count; i++) await Task.Delay(100);
        Assert.True(System.Text.RegularExpressions.Regex.Count(h.Service.Output, "is out of date") >= count, h.Service.Output);
    }
}

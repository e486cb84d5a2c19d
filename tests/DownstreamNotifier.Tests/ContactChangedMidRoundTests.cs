using System.Net.Http.Json;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;
using MailSink;
using MimeKit;

namespace DownstreamNotifier.Tests;

public sealed class ContactChangedMidRoundTests
{
    [Fact]
    public async Task A_contact_deleted_mid_round_gets_nothing_and_one_readdressed_gets_the_notice_at_the_new_address_only()
    {
        var hold = 1;
        await using var h = await NotifierHarness.StartAsync(to =>
            Volatile.Read(ref hold) == 1 && to.StartsWith("old", StringComparison.Ordinal) ? new SmtpReply(451, "try again later") : null);
        var project = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        var deleted = await h.CreateContactAsync(project, "old-deleted@alpine.test");
        var moved = await h.CreateContactAsync(project, "old-moved@alpine.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        await h.WaitForNoticesAsync(caseId, c => c.Counts.GetValueOrDefault("deferred") == 2);

        (await h.Http.DeleteAsync($"contacts/{deleted}")).EnsureSuccessStatusCode();
        (await h.Http.PutAsJsonAsync($"contacts/{moved}", new { name = "moved", email = "new-moved@alpine.test", role = "security" })).EnsureSuccessStatusCode();
        Volatile.Write(ref hold, 0);

        var done = await h.WaitForNoticesAsync(caseId, c => c.Counts.GetValueOrDefault("sent") == 1 && c.Counts.GetValueOrDefault("failed") == 1);
        var gone = done.Notices.Single(n => n.ContactId == deleted);
        Assert.Equal("failed", gone.State);
        Assert.Equal("contact deleted", gone.LastError);
        Assert.Equal("new-moved@alpine.test", done.Notices.Single(n => n.ContactId == moved).Email);

        await Task.Delay(1000);
        var recipients = h.Sink.Messages().Select(f => MimeMessage.Load(f).To.Mailboxes.Single().Address).ToList();
        Assert.Equal(["new-moved@alpine.test"], recipients);
    }

    [Fact]
    public async Task A_project_that_joins_an_encryption_required_channel_mid_round_gets_link_only_notices_not_plain_ones()
    {
        var hold = 1;
        await using var h = await NotifierHarness.StartAsync(to =>
            Volatile.Read(ref hold) == 1 && to.StartsWith("slow", StringComparison.Ordinal) ? new SmtpReply(451, "try again later") : null);
        var project = await h.CreateProjectAsync("Joins distros", ["pkg:pypi/urllib3"]);
        var contact = await h.CreateContactAsync(project, "slow@joins.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        var deferred = await h.WaitForNoticesAsync(caseId, c => c.Counts.GetValueOrDefault("deferred") == 1);
        Assert.Equal("plain", deferred.Notices.Single().Mode);

        (await h.Http.PutAsJsonAsync($"projects/{project}", new { name = "Joins distros", ecosystem = "PyPI", packages = new[] { "pkg:pypi/urllib3" }, channels = new[] { "distros" } }))
            .EnsureSuccessStatusCode();
        Volatile.Write(ref hold, 0);

        var done = await h.WaitForNoticesAsync(caseId, c => c.Counts.GetValueOrDefault("sent") == 1);
        Assert.Equal((contact, "link_only"), (done.Notices.Single().ContactId, done.Notices.Single().Mode));
        var text = MimeMessage.Load(Assert.Single(h.Sink.Messages())).TextBody;
        Assert.DoesNotContain("frobnicator", text);
        Assert.DoesNotContain("3.12.9", text);
        Assert.Contains("requires encryption", text);
    }

    [Fact]
    public async Task An_address_whose_other_project_joins_an_encryption_required_channel_mid_round_gets_a_link_only_notice()
    {
        var hold = 1;
        await using var h = await NotifierHarness.StartAsync(to =>
            Volatile.Read(ref hold) == 1 && to.StartsWith("slow", StringComparison.Ordinal) ? new SmtpReply(451, "try again later") : null);
        var dependent = await h.CreateProjectAsync("Uses urllib3", ["pkg:pypi/urllib3"]);
        var contact = await h.CreateContactAsync(dependent, "slow@shared.test");
        // The same address is a contact of another project, one the case does not reach.
        var other = await h.CreateProjectAsync("Other project", ["pkg:pypi/other"]);
        await h.CreateContactAsync(other, "Slow@Shared.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        var deferred = await h.WaitForNoticesAsync(caseId, c => c.Counts.GetValueOrDefault("deferred") == 1);
        Assert.Equal("plain", deferred.Notices.Single().Mode);

        (await h.Http.PutAsJsonAsync($"projects/{other}", new { name = "Other project", ecosystem = "PyPI", packages = new[] { "pkg:pypi/other" }, channels = new[] { "distros" } }))
            .EnsureSuccessStatusCode();
        Volatile.Write(ref hold, 0);

        var done = await h.WaitForNoticesAsync(caseId, c => c.Counts.GetValueOrDefault("sent") == 1);
        Assert.Equal((contact, "link_only"), (done.Notices.Single().ContactId, done.Notices.Single().Mode));
        var text = MimeMessage.Load(Assert.Single(h.Sink.Messages())).TextBody;
        Assert.DoesNotContain("frobnicator", text);
        Assert.Contains("requires encryption", text);
    }
}

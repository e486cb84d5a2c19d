using System.Net.Http.Json;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;
using MimeKit;

namespace DownstreamNotifier.Tests;

/// <summary>A project a member excludes after it was told: it learns that the date moved, and nothing added since.</summary>
public sealed class ExcludedAfterNoticeTests
{
    [Fact]
    public async Task A_project_excluded_after_its_notice_gets_no_reminder_and_only_the_new_schedule_without_details()
    {
        await using var h = await NotifierHarness.StartAsync();
        var leaky = await h.CreateProjectAsync("Leaky distro", ["pkg:pypi/pillow"]);
        var steady = await h.CreateProjectAsync("Steady distro", ["pkg:pypi/pillow"]);
        await h.CreateContactAsync(leaky, "sec@leaky.test");
        await h.CreateContactAsync(steady, "sec@steady.test");
        var caseId = Guid.NewGuid();
        var affected = NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow");
        await h.PublishDraftAsync(caseId, affected);
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        var leakyLink = LinkTests.LinkIn(Messages(h, "sec@leaky.test").Single());

        (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = new[] { leaky } })).EnsureSuccessStatusCode();
        await h.PublishDraftAsync(caseId, 2, "Use after free in the defrobnicator", affected);

        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Reminder, Guid.NewGuid(), disclosureAt, ["default"]));
        var reminded = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 3);
        Assert.Equal(["sec@steady.test"], reminded.Notices.Where(n => n.Kind == NoticeKinds.Reminder).Select(n => n.Email));

        var extendedTo = disclosureAt.AddDays(3);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, Guid.NewGuid(), extendedTo, ["default"]));
        var extended = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 5);
        var leakyExtended = extended.Notices.Single(n => n.Kind == NoticeKinds.Extended && n.Email == "sec@leaky.test");
        Assert.Equal("schedule_only", leakyExtended.Mode);
        Assert.Equal(["Leaky distro", "notified earlier, excluded since"], leakyExtended.Path);

        var toLeaky = Messages(h, "sec@leaky.test").Single(m => (m.Subject ?? "").Contains("extended", StringComparison.OrdinalIgnoreCase));
        var text = ((TextPart)toLeaky.Body!).Text;
        Assert.Contains(extendedTo.UtcDateTime.ToString("yyyy-MM-dd HH:mm"), text);
        Assert.DoesNotContain("frobnicator", text); // neither the new title (defrobnicator) nor the old
        Assert.DoesNotContain("Upgrade to", text);
        var toSteady = Messages(h, "sec@steady.test").Single(m => (m.Subject ?? "").Contains("extended", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Use after free in the defrobnicator", ((TextPart)toSteady.Body!).Text);

        // The excluded contact's link still shows only what it was told before the exclusion.
        using var anonymous = h.Service.CreateClient();
        var shown = await anonymous.GetStringAsync(leakyLink);
        Assert.Contains("Heap overflow in the frobnicator", shown);
        Assert.DoesNotContain("defrobnicator", shown);
    }

    private static List<MimeMessage> Messages(NotifierHarness h, string to) =>
        h.Sink.Messages().Select(f => MimeMessage.Load(f)).Where(m => m.To.Mailboxes.Any(a => a.Address == to)).ToList();
}

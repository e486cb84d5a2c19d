using System.Net.Http.Json;
using Coordination.Contracts.Notices;
using Coordination.Testing;
using DownstreamNotifier.Tests.Support;
using MimeKit;

namespace DownstreamNotifier.Tests;

/// <summary>An address that is a contact of two projects is one recipient, whichever of the two it is told as.</summary>
public sealed class SharedAddressTests
{
    [Fact]
    public async Task An_address_that_acknowledged_gets_no_reminder_when_it_is_now_told_as_its_other_contact()
    {
        using var gpg = new Gpg();
        var key = await gpg.NewCurve25519KeyAsync("Shared@distro.test");
        await using var h = await NotifierHarness.StartAsync();
        var alpha = await h.CreateProjectAsync("Alpha distro", ["pkg:pypi/pillow"]);
        var beta = await h.CreateProjectAsync("Beta distro", ["pkg:pypi/pillow"]);
        var first = await h.CreateContactAsync(alpha, "shared@distro.test");
        var second = await h.CreateContactAsync(beta, "Shared@distro.test");
        await h.CreateContactAsync(beta, "other@distro.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"]));
        var told = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        var shared = told.Notices.Single(n => n.Email.Equals("shared@distro.test", StringComparison.OrdinalIgnoreCase));

        // The address acknowledges as the contact it was told as; then the other contact gets a key, so the address is
        // now told as that one.
        var message = h.Sink.Messages().Select(f => MimeMessage.Load(f)).Single(m => m.To.Mailboxes.Single().Address.Equals(shared.Email, StringComparison.OrdinalIgnoreCase));
        using (var anonymous = h.Service.CreateClient())
            (await anonymous.GetAsync(LinkTests.LinkIn(message).TrimStart('/'))).EnsureSuccessStatusCode();
        var keyed = shared.ContactId == first ? second : first;
        var email = keyed == first ? "shared@distro.test" : "Shared@distro.test";
        (await h.Http.PutAsJsonAsync($"contacts/{keyed}", new { name = "shared", email, role = "security", publicKey = key })).EnsureSuccessStatusCode();

        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Reminder, Guid.NewGuid(), disclosureAt, ["default"]));
        var reminded = await h.WaitForNoticesAsync(caseId, n => n.Notices.Any(x => x.Kind == NoticeKinds.Reminder && x.State == "sent"));
        await Task.Delay(1000); // a second reminder would be recorded with the first
        reminded = await h.WaitForNoticesAsync(caseId, _ => true);
        Assert.Equal(["other@distro.test"], reminded.Notices.Where(n => n.Kind == NoticeKinds.Reminder).Select(n => n.Email));
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Contracts.Notices;
using Coordination.Testing;
using DownstreamNotifier.Tests.Support;
using MimeKit;

namespace DownstreamNotifier.Tests;

/// <summary>A contact's key that has expired by the time a round is recorded: the notice is link-only, and so says the preview.</summary>
public sealed class ExpiredKeyTests
{
    [Fact]
    public async Task A_contact_whose_key_has_expired_is_recorded_and_previewed_link_only_and_its_notice_carries_no_details()
    {
        await using var h = await NotifierHarness.StartAsync();
        using var gpg = new Gpg();
        var key = await gpg.NewCurve25519KeyAsync("ada@lapsed.test", expiry: "seconds=6");
        var project = await h.CreateProjectAsync("Lapsed distro", ["pkg:pypi/pillow"]);
        await h.CreateContactAsync(project, "ada@lapsed.test", key); // accepted: not expired yet
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        Assert.Equal("encrypted", await PreviewModeAsync(h, caseId));

        await Task.Delay(TimeSpan.FromSeconds(7));
        Assert.Equal("link_only", await PreviewModeAsync(h, caseId));
        var warnings = (await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients")).GetProperty("warnings");
        Assert.Contains(warnings.EnumerateArray(), w => w.GetString()!.Contains("ada@lapsed.test") && w.GetString()!.Contains("expired"));

        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        var notices = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        Assert.Equal("link_only", notices.Notices.Single().Mode);
        var message = MimeMessage.Load(h.Sink.Messages().Single());
        var text = ((TextPart)message.Body!).Text;
        Assert.DoesNotContain("frobnicator", text);
        Assert.Contains("/notices/", text);
    }

    private static async Task<string> PreviewModeAsync(NotifierHarness h, Guid caseId)
    {
        var preview = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
        var recipients = preview.GetProperty("recipients").EnumerateArray().ToList();
        Assert.True(recipients.Count == 1, preview.ToString());
        return recipients[0].GetProperty("mode").GetString()!;
    }
}

using System.Text.Json.Nodes;
using System.Xml;
using System.ServiceModel.Syndication;
using Coordination.Testing;

namespace Coordination.EndToEnd;

/// <summary>
/// A report becomes a timely, credited public advisory with every dependent warned first: the four services as
/// processes, driven from outside, observed through HTTP and the mail that reaches the SMTP server.
/// </summary>
[Collection(nameof(CoordinationSystem))]
public sealed class FlowTests(CoordinationSystem system) : IDisposable
{
    private readonly Gpg gpg = new();

    [Fact]
    public async Task A_report_becomes_a_credited_public_advisory_at_the_instant_with_every_dependent_warned_first()
    {
        var s = new Scenario(system, gpg);
        await s.ReportAndDraftAsync();
        await s.RegisterDownstreamAsync();

        // Recipients from the dependency graph: direct, transitive through a shipped package, and by normalized name.
        var recipients = ((JsonArray)(await s.RecipientsAsync())["recipients"]!).Select(r => r!).ToList();
        var selected = s.Contacts.Where(c => c.Selected).ToList();
        Assert.Equal(selected.Select(c => c.Email).Order(), recipients.Select(r => r["email"]!.GetValue<string>()).Order());
        var cloud = recipients.Single(r => r["email"]!.GetValue<string>().StartsWith("cloud-", StringComparison.Ordinal));
        Assert.True(((JsonArray)cloud["path"]!).Count >= 3, $"transitive path expected: {cloud["path"]}"); // image → debian package → library

        var disclosureAt = DateTimeOffset.UtcNow.AddSeconds(25);
        await s.StartEmbargoAsync(disclosureAt);
        // The draft is revised under embargo: the advisory published at the instant is that revision.
        var revisedDetails = $"{s.Package} before 2.2.2 lets CR and LF through in header values (revised under embargo).";
        await s.ReviseDetailsAsync(revisedDetails);

        // Every recipient gets exactly one Embargoed notice; those with keys get it encrypted, and gpg opens it.
        var embargoed = await s.WaitForNoticesAsync("Embargoed", selected.Count, TimeSpan.FromSeconds(20));
        Assert.Equal(selected.Select(c => c.Email).Order(), embargoed.SelectMany(m => m.Recipients).Order());
        foreach (var contact in selected)
        {
            var notice = Assert.Single(embargoed, m => m.Recipients.Contains(contact.Email));
            Assert.Equal(contact.Encrypted, notice.IsEncrypted);
            Assert.DoesNotContain(s.Title, notice.Subject);
            if (contact.Encrypted) Assert.Contains(s.Title, await gpg.DecryptAsync(notice.EncryptedPayload()));
        }

        // Two recipients acknowledge through their links; members see it on the case.
        using (var anonymous = system.Client(system.Notifier, asMember: false))
        {
            foreach (var contact in selected.Where(c => c.Encrypted))
            {
                var link = await s.LinkInAsync(embargoed.Single(m => m.Recipients.Contains(contact.Email)));
                Assert.False(string.IsNullOrEmpty(link));
                var opened = await anonymous.GetAsync(link);
                Assert.True(opened.IsSuccessStatusCode, $"{link}: {(int)opened.StatusCode}");
            }
        }
        var notices = await s.NoticesAsync();
        Assert.Equal(2, notices["acknowledged"]!.GetValue<int>());
        var acknowledgedBeforeReminder = DateTimeOffset.UtcNow < disclosureAt - CoordinationSystem.ReminderOffset;

        // Nothing public before the instant.
        Assert.Empty(await s.PublicAdvisoriesAsync());
        Assert.True(DateTimeOffset.UtcNow < disclosureAt, "the checks before disclosure took longer than the embargo");

        // The reminder before the instant goes to those who have not acknowledged, once each.
        var unacknowledged = selected.Where(c => !c.Encrypted).Select(c => c.Email).Order().ToList();
        var reminders = await WaitForAsync(() =>
        {
            var sent = s.NoticesOf("Reminder");
            return unacknowledged.All(a => sent.Any(m => m.Recipients.Contains(a))) ? sent.ToList() : [];
        }, 1);
        Assert.Equal(unacknowledged, reminders.SelectMany(m => m.Recipients).Where(unacknowledged.Contains).Order());
        if (acknowledgedBeforeReminder) Assert.Equal(unacknowledged.Count, reminders.Count); // none to those who had acknowledged

        // At the instant: the advisory in three formats, valid against the official schemas, with the same credits.
        var published = await s.WaitForPublicAdvisoryAsync(TimeSpan.FromSeconds(60));
        Assert.True(DateTimeOffset.UtcNow >= disclosureAt);
        var id = Assert.Single(published)!["id"]!.GetValue<string>();
        using var reader = system.Client(system.Disclosure, asMember: false);
        var osv = JsonNode.Parse(await reader.GetStringAsync($"advisories/{id}.osv.json"))!;
        var cve = JsonNode.Parse(await reader.GetStringAsync($"advisories/{id}.cve.json"))!;
        var csaf = JsonNode.Parse(await reader.GetStringAsync($"advisories/{id}.csaf.json"))!;
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Osv, osv));
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Cve, cve));
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Csaf, csaf));
        Assert.True(DateTimeOffset.Parse(osv["published"]!.GetValue<string>()) >= disclosureAt.AddSeconds(-1));
        Assert.Equal([s.CveId], ((JsonArray)osv["aliases"]!).Select(a => a!.GetValue<string>()));
        Assert.Contains(revisedDetails, osv["details"]!.GetValue<string>());
        var expectedCredits = CreditsOf(osv);
        Assert.Equal(Scenario.AllCreditTypes.Order(), expectedCredits.SelectMany(c => c.Value).Distinct().Order());
        Assert.Equal(expectedCredits, CveCredits(cve));
        Assert.Equal(expectedCredits.Keys.Order(), CsafNames(csaf).Order());

        // The feed lists it; the announcement went out once; every recipient got exactly one now-public notice.
        using (var xml = XmlReader.Create(await reader.GetStreamAsync("advisories.atom")))
            Assert.Contains(SyndicationFeed.Load(xml).Items, i => i.Title.Text.Contains(s.Title));
        var announcement = await WaitForAsync(() => SunkMail.All(system.Mail).Where(m => m.Recipients.Contains(CoordinationSystem.AnnounceTo) && m.Subject.Contains(s.CveId)).ToList(), 1);
        Assert.Single(announcement);
        Assert.Equal($"[{s.CveId}] {s.Title}", announcement[0].Subject);
        var nowPublic = await s.WaitForNoticesAsync("Now public", selected.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(selected.Select(c => c.Email).Order(), nowPublic.SelectMany(m => m.Recipients).Order());
        await Task.Delay(2000); // anything sent twice would have arrived by now
        Assert.Single(SunkMail.All(system.Mail), m => m.Recipients.Contains(CoordinationSystem.AnnounceTo) && m.Subject.Contains(s.CveId));
        Assert.Equal(selected.Count, s.NoticesOf("Embargoed").Count);
        Assert.Equal(selected.Count, s.NoticesOf("Now public").Count);
    }

    [Fact]
    public async Task A_broken_embargo_is_disclosed_at_once_and_recipients_are_told()
    {
        var s = new Scenario(system, gpg);
        await s.ReportAndDraftAsync();
        await s.RegisterDownstreamAsync();
        var selected = s.Contacts.Count(c => c.Selected);
        await s.StartEmbargoAsync(DateTimeOffset.UtcNow.AddDays(7));
        await s.WaitForNoticesAsync("Embargoed", selected, TimeSpan.FromSeconds(20));
        Assert.Empty(await s.PublicAdvisoriesAsync());

        await s.BreakAsync();

        Assert.Single(await s.WaitForPublicAdvisoryAsync(TimeSpan.FromSeconds(30)));
        var broken = await s.WaitForNoticesAsync("Embargo broken", selected, TimeSpan.FromSeconds(30));
        Assert.Equal(selected, broken.Count);
        Assert.Equal("Disclosed", (await WaitForStateAsync(s, "Disclosed"))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_extended_embargo_keeps_the_advisory_private_past_the_old_instant()
    {
        var s = new Scenario(system, gpg);
        await s.ReportAndDraftAsync();
        await s.RegisterDownstreamAsync();
        var selected = s.Contacts.Count(c => c.Selected);
        var first = DateTimeOffset.UtcNow.AddSeconds(12);
        await s.StartEmbargoAsync(first);
        await s.WaitForNoticesAsync("Embargoed", selected, TimeSpan.FromSeconds(10));

        var second = first.AddSeconds(15);
        await s.ExtendAsync(second);
        var extended = await s.WaitForNoticesAsync("Embargo extended", selected, TimeSpan.FromSeconds(15));
        Assert.Equal(selected, extended.Count);

        while (DateTimeOffset.UtcNow < first.AddSeconds(4)) await Task.Delay(250);
        Assert.Empty(await s.PublicAdvisoriesAsync());
        var embargo = await s.EmbargoAsync();
        Assert.Equal("Embargoed", embargo["state"]!.GetValue<string>());

        Assert.Single(await s.WaitForPublicAdvisoryAsync(TimeSpan.FromSeconds(60)));
        Assert.True(DateTimeOffset.UtcNow >= second);
    }

    public void Dispose() => gpg.Dispose();

    private static async Task<JsonObject> WaitForStateAsync(Scenario s, string state)
    {
        var embargo = await s.EmbargoAsync();
        for (var i = 0; i < 60 && embargo["state"]!.GetValue<string>() != state; i++)
        {
            await Task.Delay(500);
            embargo = await s.EmbargoAsync();
        }
        return embargo;
    }

    private static async Task<List<T>> WaitForAsync<T>(Func<List<T>> read, int count)
    {
        var items = read();
        for (var i = 0; i < 120 && items.Count < count; i++)
        {
            await Task.Delay(250);
            items = read();
        }
        return items;
    }

    private static SortedDictionary<string, string[]> CreditsOf(JsonNode osv) => new(((JsonArray)osv["credits"]!)
        .GroupBy(c => c!["name"]!.GetValue<string>())
        .ToDictionary(g => g.Key, g => g.Select(c => c!["type"]!.GetValue<string>()).Order().ToArray()));

    // CVE spells the types in lower case with spaces ("remediation developer"); one credit per type.
    private static SortedDictionary<string, string[]> CveCredits(JsonNode cve) => new(((JsonArray)cve["containers"]!["cna"]!["credits"]!)
        .GroupBy(c => c!["value"]!.GetValue<string>())
        .ToDictionary(g => g.Key, g => g.Select(c => c!["type"]!.GetValue<string>().ToUpperInvariant().Replace(' ', '_')).Order().ToArray()));

    private static IEnumerable<string> CsafNames(JsonNode csaf) =>
        ((JsonArray)(csaf["document"]!["acknowledgments"] ?? csaf["vulnerabilities"]![0]!["acknowledgments"])!)
        .SelectMany(a => ((JsonArray?)a!["names"] ?? []).Select(n => n!.GetValue<string>())).Distinct();
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Contracts.Advisories;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;
using MimeKit;

namespace DownstreamNotifier.Tests;

/// <summary>During the embargo, recipients added since it began are warned once: by the overrides' PUT that adds a
/// project (that project only), or when a member asks (POST /cases/{id}/recipients/warn) after the registry changed.</summary>
public sealed class WarnNewRecipientsTests
{
    private static readonly AffectedPackage[] Urllib3 = [NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3")];

    [Fact]
    public async Task Contacts_and_projects_registered_during_the_embargo_are_warned_when_a_member_asks_and_only_once()
    {
        await using var h = await NotifierHarness.StartAsync();
        var alpine = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        var first = await h.CreateContactAsync(alpine, "first@alpine.test");
        var caseId = await EmbargoedAsync(h, DateTimeOffset.UtcNow.AddDays(7));

        // Told before at the address it has changed since: warned already (a second notice is not the way to reach it).
        (await h.Http.PutAsJsonAsync($"contacts/{first}", new { name = "first", email = "moved@alpine.test", role = "security" })).EnsureSuccessStatusCode();
        await h.CreateContactAsync(alpine, "second@alpine.test");
        var gentoo = await h.CreateProjectAsync("Gentoo dev-python/urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(gentoo, "sec@gentoo.test");
        // A registry change alone warns nobody, and a reminder goes only to those warned.
        var reminder = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Reminder, reminder, DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        await Db.WaitForRoundDoneAsync(h, reminder);
        var reminded = await h.WaitForNoticesAsync(caseId, _ => true);
        Assert.Equal([(NoticeKinds.Embargoed, "first@alpine.test"), (NoticeKinds.Reminder, "moved@alpine.test")],
            reminded.Notices.Select(n => (n.Kind, n.Email)).Order());

        // The preview shows who is not warned yet, and how to warn them.
        var preview = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
        Assert.Equal([("moved@alpine.test", true), ("sec@gentoo.test", false), ("second@alpine.test", false)], Warned(preview));
        Assert.Contains(preview.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("2 recipient(s) registered during the embargo not warned yet"));

        var warn = await h.Http.PostAsync($"cases/{caseId}/recipients/warn", null);
        Assert.Equal(HttpStatusCode.Accepted, warn.StatusCode);
        var answer = await warn.Content.ReadFromJsonAsync<JsonElement>();
        var round = answer.GetProperty("notificationId").GetGuid();
        Assert.Equal(["sec@gentoo.test", "second@alpine.test"], Emails(answer.GetProperty("recipients")));

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 4);
        Assert.All(done.Notices.Where(n => n.ContactId != first), n => Assert.Equal((round, NoticeKinds.Embargoed), (n.NotificationId, n.Kind)));
        var texts = h.Sink.Messages().Select(f => MimeMessage.Load(f)).ToDictionary(m => m.To.Mailboxes.Single().Address, m => m.TextBody);
        Assert.Equal(["first@alpine.test", "moved@alpine.test", "sec@gentoo.test", "second@alpine.test"], texts.Keys.Order()); // the first contact is not warned again
        Assert.Contains("What: Heap overflow", texts["sec@gentoo.test"]);

        var after = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
        Assert.All(Warned(after), r => Assert.True(r.Warned));
        Assert.DoesNotContain(after.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("not warned yet"));

        var again = await h.Http.PostAsync($"cases/{caseId}/recipients/warn", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var nothing = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, nothing.GetProperty("notificationId").ValueKind);
        Assert.Empty(nothing.GetProperty("recipients").EnumerateArray());
    }

    [Fact]
    public async Task After_a_first_round_that_warned_nobody_the_preview_says_who_is_not_warned_yet_as_the_warning_would_send()
    {
        await using var h = await NotifierHarness.StartAsync();
        var caseId = await EmbargoedAsync(h, DateTimeOffset.UtcNow.AddDays(7)); // nobody registered yet: nobody warned
        var gentoo = await h.CreateProjectAsync("Gentoo dev-python/urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(gentoo, "sec@gentoo.test");

        var preview = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
        Assert.Equal([("sec@gentoo.test", false)], Warned(preview));
        Assert.Contains(preview.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("1 recipient(s) registered during the embargo not warned yet"));
        var answer = await (await h.Http.PostAsync($"cases/{caseId}/recipients/warn", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["sec@gentoo.test"], Emails(answer.GetProperty("recipients")));
    }

    [Fact]
    public async Task A_project_included_during_the_embargo_is_warned_by_the_overrides_change_and_an_exclusion_warns_nobody()
    {
        await using var h = await NotifierHarness.StartAsync();
        var alpine = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(alpine, "first@alpine.test");
        var unrelated = await h.CreateProjectAsync("Vendors it", ["pkg:pypi/something-else"]);
        await h.CreateContactAsync(unrelated, "sec@vendor.test");
        var caseId = await EmbargoedAsync(h, DateTimeOffset.UtcNow.AddDays(7));
        await h.CreateContactAsync(alpine, "second@alpine.test"); // not warned yet
        var fedora = await h.CreateProjectAsync("Fedora python-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(fedora, "late@fedora.test"); // registered since: waits for a member's warning

        var exclusion = await Put(h, caseId, include: [], exclude: [alpine]);
        Assert.Equal(JsonValueKind.Null, exclusion.GetProperty("warningRound").ValueKind);
        Assert.Empty(exclusion.GetProperty("warned").EnumerateArray());

        // Including a project warns it, and only it; the excluded project's new contact is no recipient.
        var inclusion = await Put(h, caseId, include: [unrelated], exclude: [alpine]);
        Assert.Equal(["sec@vendor.test"], Emails(inclusion.GetProperty("warned")));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);

        // Lifting the exclusion adds the project back: its contact not warned yet is, the one told before is not.
        var lifted = await Put(h, caseId, include: [unrelated], exclude: []);
        Assert.Equal(["second@alpine.test"], Emails(lifted.GetProperty("warned")));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 3);
        await Task.Delay(1000);
        var recipients = h.Sink.Messages().Select(f => MimeMessage.Load(f).To.Mailboxes.Single().Address).Order().ToList();
        Assert.Equal(["first@alpine.test", "sec@vendor.test", "second@alpine.test"], recipients);

        // The project registered since is warned when a member asks.
        var warn = await (await h.Http.PostAsync($"cases/{caseId}/recipients/warn", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["late@fedora.test"], Emails(warn.GetProperty("recipients")));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 4);
    }

    [Fact]
    public async Task Without_a_running_embargo_nobody_is_warned_and_the_member_is_told_why()
    {
        await using var h = await NotifierHarness.StartAsync();
        var alpine = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(alpine, "first@alpine.test");
        var notYet = Guid.NewGuid();
        await h.PublishDraftAsync(notYet, Urllib3);
        await AssertConflictAsync(h, notYet, "no embargo has begun for this case");
        var included = await Put(h, notYet, include: [alpine], exclude: []);
        Assert.Equal(JsonValueKind.Null, included.GetProperty("warningRound").ValueKind);

        var published = await EmbargoedAsync(h, DateTimeOffset.UtcNow.AddDays(7));
        var nowPublic = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(published, NoticeKinds.NowPublic, nowPublic, DateTimeOffset.UtcNow, ["default"], AdvisoryId: "PSF-2026-1"));
        await Db.WaitForRoundDoneAsync(h, nowPublic);
        await h.CreateContactAsync(alpine, "second@alpine.test");
        await AssertConflictAsync(h, published, "the embargo has ended (public)");
        Assert.DoesNotContain(h.Sink.Messages(), f => MimeMessage.Load(f).To.Mailboxes.Single().Address == "second@alpine.test");
    }

    [Fact]
    public async Task An_Embargoed_round_recorded_after_an_extension_names_the_instant_as_it_stands()
    {
        // A round for new recipients sent just before an extension was recorded carries the instant it replaced.
        await using var h = await NotifierHarness.StartAsync();
        var alpine = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(alpine, "first@alpine.test");
        var first = DateTimeOffset.UtcNow.AddDays(7);
        var caseId = await EmbargoedAsync(h, first);
        var extended = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, extended, first.AddDays(7), ["default"], "the fix needs longer"));
        await Db.WaitForRoundDoneAsync(h, extended);

        await h.CreateContactAsync(alpine, "second@alpine.test");
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), first, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 3);
        var text = h.Sink.Messages().Select(f => MimeMessage.Load(f)).Single(m => m.To.Mailboxes.Single().Address == "second@alpine.test").TextBody;
        Assert.Contains($"Disclosure: {Utc(first.AddDays(7))}", text);
        Assert.DoesNotContain(Utc(first), text);
    }

    private static async Task<Guid> EmbargoedAsync(NotifierHarness h, DateTimeOffset disclosureAt)
    {
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, 1, "Heap overflow in the frobnicator", Urllib3);
        var round = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, round, disclosureAt, ["default"]));
        await Db.WaitForRoundDoneAsync(h, round);
        return caseId;
    }

    private static async Task<JsonElement> Put(NotifierHarness h, Guid caseId, Guid[] include, Guid[] exclude)
    {
        var response = await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { include, exclude });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task AssertConflictAsync(NotifierHarness h, Guid caseId, string why)
    {
        var response = await h.Http.PostAsync($"cases/{caseId}/recipients/warn", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(why, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    private static List<string> Emails(JsonElement recipients) =>
        recipients.EnumerateArray().Select(r => r.GetProperty("email").GetString()!).Order(StringComparer.Ordinal).ToList();

    private static List<(string Email, bool Warned)> Warned(JsonElement preview) =>
        preview.GetProperty("recipients").EnumerateArray().Select(r => (r.GetProperty("email").GetString()!, r.GetProperty("warned").GetBoolean()))
            .OrderBy(r => r.Item1, StringComparer.Ordinal).ToList();

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

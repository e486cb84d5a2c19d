using System.Net;
using System.Net.Http.Json;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;
using MimeKit;

namespace DownstreamNotifier.Tests;

public sealed class LinkTests
{
    [Fact]
    public async Task A_forged_or_altered_link_is_404_and_an_expired_one_410_without_details()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Arch python", ["pkg:pypi/pillow"]);
        await h.CreateContactAsync(project, "sec@arch.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        // Disclosed 40 days ago: the 30-day link validity is over.
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.NowPublic, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(-40), ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        var text = ((TextPart)(await MimeMessage.LoadAsync(h.Sink.Messages().Single())).Body!).Text;
        var path = new Uri(text.Split('\n').Single(l => l.StartsWith("http://notifier.test/notices/", StringComparison.Ordinal)).Trim()).AbsolutePath;

        using var anonymous = h.Service.CreateClient();
        var expired = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.DoesNotContain("frobnicator", await expired.Content.ReadAsStringAsync());

        var token = path.Split('/').Last();
        var altered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"notices/{altered}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("notices/forged-token")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync($"notices/{altered}/status", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        // The link is judged before what was posted to it: a malformed body or a wrong type changes nothing.
        foreach (var body in new[] { new StringContent("{\"status\":", System.Text.Encoding.UTF8, "application/json"), new StringContent("status=fixed", System.Text.Encoding.UTF8, "text/plain") })
        {
            var forged = await anonymous.PostAsync($"notices/{altered}/status", body);
            Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
            var late = await anonymous.PostAsync($"{path}/status", body);
            Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
            Assert.DoesNotContain("frobnicator", await late.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_genuine_link_names_what_is_wrong_with_a_posted_status_and_records_nothing()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Nix python", ["pkg:pypi/pillow"]);
        await h.CreateContactAsync(project, "sec@nix.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        var path = LinkIn(await MimeMessage.LoadAsync(h.Sink.Messages().Single()));
        using var anonymous = h.Service.CreateClient();
        static StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");

        foreach (var (text, field) in new[]
                 {
                     ("{\"status\":", "status"), ("", "body"), ("null", "body"), ("[]", "body"),
                     ("{\"status\":\"fixed\",\"statement\":7}", "statement"),
                     // Given twice, the second no longer silently wins.
                     ("{\"status\":\"fixed\",\"Status\":\"affected\"}", "Status"),
                 })
        {
            var response = await anonymous.PostAsync($"{path}/status", Json(text));
            var problem = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{text}: {(int)response.StatusCode} {problem}");
            Assert.Equal([field], System.Text.Json.JsonDocument.Parse(problem).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        }
        var unsupported = await anonymous.PostAsync($"{path}/status", new StringContent("status=fixed", System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
        var huge = await anonymous.PostAsync($"{path}/status", Json($"{{\"status\":\"fixed\",\"statement\":\"{new string('x', 100_000)}\"}}"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);

        var unknownCharset = new ByteArrayContent("{\"status\":\"fixed\"}"u8.ToArray());
        unknownCharset.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=x-made-up");
        var refused = await anonymous.PostAsync($"{path}/status", unknownCharset);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Contains("x-made-up", await refused.Content.ReadAsStringAsync());

        var view = System.Text.Json.JsonDocument.Parse(await anonymous.GetStringAsync(path)).RootElement;
        Assert.Equal(System.Text.Json.JsonValueKind.Null, view.GetProperty("status").ValueKind);
        // A body in the charset its request names is read in it (UTF-16 here, the statement beyond Latin-1).
        var utf16 = await anonymous.PostAsync($"{path}/status",
            new StringContent("{\"status\":\"fixed\",\"statement\":\"修正済み in 3.12.9\"}", System.Text.Encoding.Unicode, "application/json"));
        Assert.Equal(HttpStatusCode.OK, utf16.StatusCode);
        Assert.Equal("修正済み in 3.12.9", System.Text.Json.JsonDocument.Parse(await anonymous.GetStringAsync(path)).RootElement.GetProperty("statement").GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync($"{path}/status", Json("{\"status\":\"fixed\"}"))).StatusCode);
    }

    [Fact]
    public async Task A_link_works_until_the_days_after_the_disclosure_as_it_stands_not_as_its_notice_said()
    {
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Notifier__LinkValidDays"] = "1" });
        var project = await h.CreateProjectAsync("Alt python", ["pkg:pypi/pillow"]);
        await h.CreateContactAsync(project, "sec@alt.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        // The first notice's link says it expires a day after an instant two days ago: expired.
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(-2), ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        var path = LinkIn(await MimeMessage.LoadAsync(h.Sink.Messages().Single()));
        using var anonymous = h.Service.CreateClient();
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync(path)).StatusCode);

        // Extended: the case is disclosed in ten days, and the link it was told about works until a day after that.
        var extended = DateTimeOffset.UtcNow.AddDays(10);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, Guid.NewGuid(), extended, ["default"], "fix not ready"));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        var shown = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        var view = System.Text.Json.JsonDocument.Parse(await shown.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(extended.AddDays(1).ToUnixTimeSeconds(), view.GetProperty("linkExpiresAt").GetDateTimeOffset().ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_link_refuses_a_statement_with_NUL_and_is_404_like_a_forged_one_once_its_contact_is_deleted()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Void python", ["pkg:pypi/pillow"]);
        var contact = await h.CreateContactAsync(project, "sec@void.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        var text = ((TextPart)(await MimeMessage.LoadAsync(h.Sink.Messages().Single())).Body!).Text;
        var path = new Uri(text.Split('\n').Single(l => l.StartsWith("http://notifier.test/notices/", StringComparison.Ordinal)).Trim()).AbsolutePath;
        using var anonymous = h.Service.CreateClient();
        static StringContent Status(string statement) =>
            new(System.Text.Json.JsonSerializer.Serialize(new { status = "investigating", statement }), System.Text.Encoding.UTF8, "application/json");

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);
        var nul = await anonymous.PostAsync($"{path}/status", Status("looking\0"));
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Contains("\"statement\"", await nul.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync($"{path}/status", Status("looking"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await h.Http.DeleteAsync($"contacts/{contact}")).StatusCode);
        var gone = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.DoesNotContain("frobnicator", await gone.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync($"{path}/status", Status("looking"))).StatusCode);
    }

    [Fact]
    public async Task A_link_mailed_to_a_contacts_old_address_stops_working_once_the_contact_is_readdressed()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Fedora python", ["pkg:pypi/pillow"]);
        var contact = await h.CreateContactAsync(project, "alice@fedora.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        var alices = LinkIn(await MimeMessage.LoadAsync(h.Sink.Messages().Single()));
        using var anonymous = h.Service.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(alices)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync($"{alices}/status",
            new StringContent("{\"status\":\"not_affected\",\"statement\":\"Alice's statement\"}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        // Another letter case is the same address: the link keeps working.
        (await h.Http.PutAsJsonAsync($"contacts/{contact}", new { name = "Alice", email = "Alice@Fedora.test", role = "security" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(alices)).StatusCode);

        // Alice has left; Bob holds the contact now. Her link opens nothing, neither the case nor what Bob is sent.
        (await h.Http.PutAsJsonAsync($"contacts/{contact}", new { name = "Bob", email = "bob@fedora.test", role = "security" })).EnsureSuccessStatusCode();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, Guid.NewGuid(), disclosureAt.AddDays(3), ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        foreach (var refused in new[] { await anonymous.GetAsync(alices), await anonymous.PostAsync($"{alices}/status",
                     new StringContent("{\"status\":\"not_affected\"}", System.Text.Encoding.UTF8, "application/json")) })
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.DoesNotContain("frobnicator", await refused.Content.ReadAsStringAsync());
        }

        var bobs = LinkIn(h.Sink.Messages().Select(f => MimeMessage.Load(f)).Single(m => m.To.Mailboxes.Single().Address == "bob@fedora.test"));
        Assert.NotEqual(alices, bobs);
        var shown = System.Text.Json.JsonDocument.Parse(await anonymous.GetStringAsync(bobs)).RootElement;
        Assert.Equal(disclosureAt.AddDays(3).ToUnixTimeSeconds(), shown.GetProperty("disclosureAt").GetDateTimeOffset().ToUnixTimeSeconds());
        // Bob has acknowledged by opening it, and said nothing yet: Alice's status and statement are hers.
        Assert.Equal(System.Text.Json.JsonValueKind.Null, shown.GetProperty("status").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, shown.GetProperty("statement").ValueKind);
        var notices = await h.WaitForNoticesAsync(caseId, _ => true);
        Assert.Equal("not_affected", notices.Notices.Single(n => n.Email == "alice@fedora.test").Status);
        Assert.Null(notices.Notices.Single(n => n.Email == "bob@fedora.test").Status);
        Assert.NotNull(notices.Notices.Single(n => n.Email == "bob@fedora.test").AcknowledgedAt);
    }

    [Fact]
    public async Task A_contact_readdressed_after_the_previous_person_acknowledged_is_reminded()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Fedora python", ["pkg:pypi/pillow"]);
        var contact = await h.CreateContactAsync(project, "alice@fedora.test");
        await h.CreateContactAsync(project, "carol@fedora.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        using var anonymous = h.Service.CreateClient();
        foreach (var message in h.Sink.Messages().Select(f => MimeMessage.Load(f))) // both acknowledge
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(LinkIn(message))).StatusCode);

        (await h.Http.PutAsJsonAsync($"contacts/{contact}", new { name = "Bob", email = "bob@fedora.test", role = "security" })).EnsureSuccessStatusCode();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Reminder, Guid.NewGuid(), disclosureAt, ["default"]));

        var reminded = await h.WaitForNoticesAsync(caseId, n => n.Notices.Any(x => x.Kind == NoticeKinds.Reminder && x.State == "sent"));
        await Task.Delay(1000); // a second reminder would be recorded with the first
        reminded = await h.WaitForNoticesAsync(caseId, _ => true);
        Assert.Equal(["bob@fedora.test"], reminded.Notices.Where(n => n.Kind == NoticeKinds.Reminder).Select(n => n.Email));
        Assert.Equal(1, reminded.Acknowledged); // Carol; the contact, Bob's now, has not
    }

    [Fact]
    public async Task A_link_shows_the_case_as_the_newest_notice_sent_told_it_not_the_current_draft()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Gentoo python", ["pkg:pypi/pillow"]);
        await h.CreateContactAsync(project, "sec@gentoo.test");
        var caseId = Guid.NewGuid();
        var affected = NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow");
        await h.PublishDraftAsync(caseId, affected);
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        var path = LinkIn(await MimeMessage.LoadAsync(h.Sink.Messages().Single()));
        using var anonymous = h.Service.CreateClient();

        // A later revision the contact has not been sent: the link keeps to what the notice said.
        await h.PublishDraftAsync(caseId, 2, "Use after free in the defrobnicator", affected);
        var before = await anonymous.GetStringAsync(path);
        Assert.Contains("Heap overflow in the frobnicator", before);
        Assert.DoesNotContain("defrobnicator", before);

        // Once a notice carrying it was sent, the link shows it, and the disclosure instant as it stands.
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, Guid.NewGuid(), disclosureAt.AddDays(3), ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        var after = System.Text.Json.JsonDocument.Parse(await anonymous.GetStringAsync(path)).RootElement;
        Assert.Equal("Use after free in the defrobnicator", after.GetProperty("title").GetString());
        Assert.Equal(disclosureAt.AddDays(3).ToUnixTimeSeconds(), after.GetProperty("disclosureAt").GetDateTimeOffset().ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_late_EmbargoStarted_does_not_rewind_the_instant_and_the_link_then_shows_the_break_and_the_publication()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Slackware python", ["pkg:pypi/pillow"]);
        await h.CreateContactAsync(project, "sec@slackware.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var first = new DateTimeOffset(2031, 1, 10, 12, 0, 0, TimeSpan.Zero);
        var extended = new DateTimeOffset(2031, 1, 20, 12, 0, 0, TimeSpan.Zero);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), first, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, Guid.NewGuid(), extended, ["default"], "fix not ready"));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        var path = LinkIn(await MimeMessage.LoadAsync(h.Sink.Messages().First()));
        using var anonymous = h.Service.CreateClient();

        // The saga's EmbargoStarted, on a queue of its own, is consumed after the extension.
        await h.Bus.Publish(new Coordination.Contracts.Embargo.EmbargoStarted(caseId, first, ["default"], DateTimeOffset.UtcNow));
        await Task.Delay(2000);
        var shown = System.Text.Json.JsonDocument.Parse(await anonymous.GetStringAsync(path)).RootElement;
        Assert.Equal(extended, shown.GetProperty("disclosureAt").GetDateTimeOffset());
        Assert.Equal("embargoed", shown.GetProperty("state").GetString());

        var brokenAt = new DateTimeOffset(2031, 1, 5, 8, 30, 0, TimeSpan.Zero);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Broken, Guid.NewGuid(), brokenAt, ["default"], "exploit published"));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 3);
        var html = await Html(anonymous, path);
        Assert.DoesNotContain("Embargoed until", html);
        Assert.Contains("broken, disclosed at 2031-01-05 08:30 UTC", html);

        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.NowPublic, Guid.NewGuid(), extended, ["default"], null, "PSF-2031-1", ["https://example.test/osv"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 4);
        var shownPublic = System.Text.Json.JsonDocument.Parse(await anonymous.GetStringAsync(path)).RootElement;
        Assert.Equal("public", shownPublic.GetProperty("state").GetString());
        Assert.DoesNotContain("Embargoed until", await Html(anonymous, path));
    }

    [Fact]
    public async Task The_link_page_writes_its_times_alike_whatever_the_servers_culture()
    {
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["LANG"] = "th_TH.UTF-8", ["LC_ALL"] = "th_TH.UTF-8" }); // a Buddhist calendar
        var project = await h.CreateProjectAsync("Thai distro", ["pkg:pypi/pillow"]);
        await h.CreateContactAsync(project, "sec@thai.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var disclosureAt = new DateTimeOffset(2031, 1, 15, 14, 0, 0, TimeSpan.Zero);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);

        using var anonymous = h.Service.CreateClient();
        var html = await Html(anonymous, LinkIn(await MimeMessage.LoadAsync(h.Sink.Messages().Single())));
        Assert.Contains("Embargoed until 2031-01-15 14:00 UTC", html);
        Assert.Contains("Acknowledged " + DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), html);
    }

    private static async Task<string> Html(HttpClient client, string path) =>
        await (await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "Accept", "text/html" } } })).Content.ReadAsStringAsync();

    /// <summary>The path of the acknowledgement link in a plain notice.</summary>
    public static string LinkIn(MimeMessage message) =>
        new Uri(((TextPart)message.Body!).Text.Split('\n').Single(l => l.StartsWith("http://notifier.test/notices/", StringComparison.Ordinal)).Trim()).AbsolutePath;
}

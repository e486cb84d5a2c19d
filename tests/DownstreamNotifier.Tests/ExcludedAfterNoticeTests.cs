using System.Net.Http.Json;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Consumers;
using DownstreamNotifier.Tests.Support;
using MailSink;
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
        // The preview says what the next rounds do: the excluded contact stays, for the schedule only.
        var preview = (await h.Http.GetFromJsonAsync<System.Text.Json.JsonElement>($"cases/{caseId}/recipients")).GetProperty("recipients")
            .EnumerateArray().ToDictionary(r => r.GetProperty("email").GetString()!);
        Assert.Equal(["sec@leaky.test", "sec@steady.test"], preview.Keys.Order());
        Assert.Equal("schedule_only", preview["sec@leaky.test"].GetProperty("mode").GetString());
        Assert.True(preview["sec@leaky.test"].GetProperty("excluded").GetBoolean());
        Assert.Equal("notified earlier, excluded since", preview["sec@leaky.test"].GetProperty("path")[1].GetString());
        Assert.False(preview["sec@steady.test"].GetProperty("excluded").GetBoolean());

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

    [Fact]
    public async Task Excluding_a_project_cancels_its_notices_not_sent_yet_and_strips_the_details_from_those_to_contacts_told_before()
    {
        var hold = 1;
        await using var h = await NotifierHarness.StartAsync(to =>
            Volatile.Read(ref hold) == 1 && to.StartsWith("slow", StringComparison.Ordinal) ? new SmtpReply(451, "try again later") : null);
        var leaky = await h.CreateProjectAsync("Leaky distro", ["pkg:pypi/pillow"]);
        var steady = await h.CreateProjectAsync("Steady distro", ["pkg:pypi/pillow"]);
        var told = await h.CreateContactAsync(leaky, "told@leaky.test");
        var never = await h.CreateContactAsync(leaky, "slow-never@leaky.test");
        await h.CreateContactAsync(steady, "slow@steady.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1 && n.Counts["deferred"] == 2);
        // The told contact's Extended notice is held back too: its address is renamed to one the server defers.
        (await h.Http.PutAsJsonAsync($"contacts/{told}", new { name = "told", email = "slow-told@leaky.test", role = "security" })).EnsureSuccessStatusCode();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, Guid.NewGuid(), disclosureAt.AddDays(3), ["default"], "the fix needs longer"));
        // The extension cancels the two Embargoed notices still deferred (they name the old instant); its own three wait.
        await h.WaitForNoticesAsync(caseId, n => n.Counts["deferred"] == 3 && n.Counts["cancelled"] == 2);

        var response = await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = new[] { leaky } });
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal((1, 1), (answer.GetProperty("noticesCancelled").GetInt32(), answer.GetProperty("noticesScheduleOnly").GetInt32()));
        Volatile.Write(ref hold, 0);

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["pending"] + n.Counts["deferred"] == 0);
        Assert.All(done.Notices.Where(n => n.ContactId == never), n => Assert.Equal("cancelled", n.State));
        var toTold = done.Notices.Single(n => n.ContactId == told && n.Kind == NoticeKinds.Extended);
        Assert.Equal(("sent", "schedule_only"), (toTold.State, toTold.Mode));
        Assert.Equal([(NoticeKinds.Embargoed, "cancelled"), (NoticeKinds.Extended, "sent")],
            done.Notices.Where(n => n.Email == "slow@steady.test").Select(n => (n.Kind, n.State)).Order());

        await Task.Delay(500);
        Assert.Empty(Messages(h, "slow-never@leaky.test"));
        var text = ((TextPart)Messages(h, "slow-told@leaky.test").Single().Body!).Text;
        Assert.Contains(disclosureAt.AddDays(3).UtcDateTime.ToString("yyyy-MM-dd HH:mm"), text);
        Assert.DoesNotContain("frobnicator", text);

        // The exclusion lifted, the notice it cancelled goes again (the Extended one, with the details); the Embargoed
        // one, which the extension cancelled, stays so.
        var lifted = await (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = Array.Empty<Guid>() }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(NoticeKinds.Extended, Assert.Single(lifted.GetProperty("resent").EnumerateArray()).GetProperty("kind").GetString());
        Assert.Empty(lifted.GetProperty("notResent").EnumerateArray());
        var resend = await (await h.Http.PostAsJsonAsync($"cases/{caseId}/notices/resend", new { contactIds = new[] { never } }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.StartsWith("out of date: the disclosure instant has moved",
            Assert.Single(resend.GetProperty("notResent").EnumerateArray()).GetProperty("reason").GetString());
        await h.WaitForNoticesAsync(caseId, n => n.Notices.Any(x => x.ContactId == never && x.Kind == NoticeKinds.Extended && x.State == "sent"));
        await Task.Delay(500);
        Assert.Contains("frobnicator", ((TextPart)Messages(h, "slow-never@leaky.test").Single().Body!).Text);
    }

    [Fact]
    public async Task Lifting_an_exclusion_sends_the_embargoed_notice_it_cancelled_once()
    {
        var hold = 1;
        await using var h = await NotifierHarness.StartAsync(to =>
            Volatile.Read(ref hold) == 1 && to.StartsWith("slow", StringComparison.Ordinal) ? new SmtpReply(451, "try again later") : null);
        var distro = await h.CreateProjectAsync("Mistaken distro", ["pkg:pypi/pillow"]);
        var contact = await h.CreateContactAsync(distro, "slow@mistaken.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["deferred"] == 1);
        (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = new[] { distro } })).EnsureSuccessStatusCode();
        await h.WaitForNoticesAsync(caseId, n => n.Counts["cancelled"] == 1);
        Volatile.Write(ref hold, 0);

        // Excluded by mistake: lifted while the instant stands, its Embargoed notice goes (no second round's notice).
        var lifted = await (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = Array.Empty<Guid>() }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var resent = Assert.Single(lifted.GetProperty("resent").EnumerateArray());
        Assert.Equal((NoticeKinds.Embargoed, contact), (resent.GetProperty("kind").GetString(), resent.GetProperty("contactId").GetGuid()));
        Assert.Empty(lifted.GetProperty("warned").EnumerateArray());

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        Assert.Equal(1, done.Counts["total"]);
        await Task.Delay(500);
        Assert.Contains("frobnicator", ((TextPart)Messages(h, "slow@mistaken.test").Single().Body!).Text);
        // Lifting it again (nothing excluded, nothing cancelled) sends nothing more.
        var again = await (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = Array.Empty<Guid>() }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Empty(again.GetProperty("resent").EnumerateArray());
    }

    [Fact]
    public async Task Lifting_an_exclusion_after_an_extension_warns_the_contact_whose_cancelled_notice_named_the_old_instant()
    {
        var hold = 1;
        await using var h = await NotifierHarness.StartAsync(to =>
            Volatile.Read(ref hold) == 1 && to.StartsWith("slow", StringComparison.Ordinal) ? new SmtpReply(451, "try again later") : null);
        var distro = await h.CreateProjectAsync("Mistaken distro", ["pkg:pypi/pillow"]);
        var contact = await h.CreateContactAsync(distro, "slow@mistaken.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var first = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), first, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["deferred"] == 1);
        (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = new[] { distro } })).EnsureSuccessStatusCode();
        await h.WaitForNoticesAsync(caseId, n => n.Counts["cancelled"] == 1);
        Volatile.Write(ref hold, 0);
        // Extended while excluded: the contact was never told, so the Extended round tells it nothing.
        var extended = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, extended, first.AddDays(7), ["default"], "the fix needs longer"));
        await Db.WaitForRoundDoneAsync(h, extended);

        // Lifted: the cancelled notice names the old instant and may not go again; the contact is warned anew instead.
        var lifted = await (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = Array.Empty<Guid>() }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Empty(lifted.GetProperty("resent").EnumerateArray());
        Assert.Contains("moved", Assert.Single(lifted.GetProperty("notResent").EnumerateArray()).GetProperty("reason").GetString());
        Assert.Equal(contact, Assert.Single(lifted.GetProperty("warned").EnumerateArray()).GetProperty("contactId").GetGuid());

        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        await Task.Delay(500);
        var text = ((TextPart)Messages(h, "slow@mistaken.test").Single().Body!).Text;
        Assert.Contains("frobnicator", text);
        Assert.Contains(first.AddDays(7).UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), text);
    }

    [Fact]
    public async Task Lifting_an_exclusion_gives_the_details_back_to_the_notices_it_stripped_not_sent_yet()
    {
        var hold = 1;
        await using var h = await NotifierHarness.StartAsync(to =>
            Volatile.Read(ref hold) == 1 && to.StartsWith("slow", StringComparison.Ordinal) ? new SmtpReply(451, "try again later") : null);
        var distro = await h.CreateProjectAsync("Mistaken distro", ["pkg:pypi/pillow"]);
        var told = await h.CreateContactAsync(distro, "told@mistaken.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var first = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), first, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        // Told; its Extended notice is held back (the address renamed to one the server defers) while the exclusion
        // strips it and is lifted again.
        (await h.Http.PutAsJsonAsync($"contacts/{told}", new { name = "told", email = "slow-told@mistaken.test", role = "security" })).EnsureSuccessStatusCode();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, Guid.NewGuid(), first.AddDays(3), ["default"], "the fix needs longer"));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["deferred"] == 1);
        var excluded = await (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = new[] { distro } }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(1, excluded.GetProperty("noticesScheduleOnly").GetInt32());

        var lifted = await (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = Array.Empty<Guid>() }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.True(lifted.TryGetProperty("noticesWithDetailsAgain", out var again), lifted.ToString());
        Assert.Equal(1, again.GetInt32());
        Assert.Empty(lifted.GetProperty("resent").EnumerateArray());
        Volatile.Write(ref hold, 0);

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        Assert.Equal("plain", done.Notices.Single(n => n.Kind == NoticeKinds.Extended).Mode);
        await Task.Delay(500);
        var text = ((TextPart)Messages(h, "slow-told@mistaken.test").Single().Body!).Text;
        Assert.Contains("frobnicator", text);
        Assert.Contains(first.AddDays(3).UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), text);
    }

    [Fact]
    public async Task A_project_excluded_while_a_round_is_being_recorded_gets_none_of_the_notices_recorded_after_it()
    {
        var hold = 1;
        await using var h = await NotifierHarness.StartAsync(to =>
            Volatile.Read(ref hold) == 1 && to.EndsWith("@zeta.test", StringComparison.Ordinal) ? new SmtpReply(451, "try again later") : null);
        // Alpha's contacts fill the first chunk and Zeta's the next two (recipients come in project-name order).
        var rows = new[] { ("Alpha distro", "alpha", NotifyDownstreamConsumer.Chunk), ("Zeta distro", "zeta", NotifyDownstreamConsumer.Chunk + 100) }
            .Select(p => new
            {
                name = p.Item1, packages = new[] { "pkg:pypi/requests" },
                contacts = Enumerable.Range(0, p.Item3).Select(c => new { name = $"C{c}", email = $"c{c}@{p.Item2}.test" }).ToArray(),
            }).ToArray();
        (await h.Http.PostAsJsonAsync("import", rows)).EnsureSuccessStatusCode();
        var zeta = (await h.Http.GetFromJsonAsync<List<System.Text.Json.JsonElement>>("projects"))!
            .Single(p => p.GetProperty("name").GetString() == "Zeta distro").GetProperty("id").GetGuid();
        // Each chunk takes two seconds to record: the exclusion lands while the round is still being recorded.
        await Db.ScalarAsync<object>(h, """
            CREATE FUNCTION notifier.slow_chunk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$;
            CREATE TRIGGER slow_chunk AFTER INSERT ON notifier.notices FOR EACH STATEMENT EXECUTE FUNCTION notifier.slow_chunk();
            """);
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "requests", "pkg:pypi/requests"));
        var round = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, round, DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        for (var deadline = DateTime.UtcNow.AddSeconds(30);
             await Db.ScalarAsync<long>(h, "SELECT count(*) FROM notifier.notices WHERE notification_id = $1", round) == 0; await Task.Delay(100))
            Assert.True(DateTime.UtcNow < deadline, "the first chunk was never recorded");

        (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = new[] { zeta } })).EnsureSuccessStatusCode();
        Assert.False(await Db.ScalarAsync<bool>(h, "SELECT notices_recorded_at IS NOT NULL FROM notifier.notifications WHERE id = $1", round),
            "the round was recorded whole before the exclusion: the test shows nothing");
        Volatile.Write(ref hold, 0);

        await Db.WaitForRoundDoneAsync(h, round);
        var done = await h.WaitForNoticesAsync(caseId, _ => true);
        Assert.Equal(2 * NotifyDownstreamConsumer.Chunk + 100, done.Counts["total"]);
        Assert.Equal(NotifyDownstreamConsumer.Chunk, done.Counts["sent"]);
        Assert.Equal(NotifyDownstreamConsumer.Chunk + 100, done.Counts["cancelled"]);
        Assert.DoesNotContain(h.Sink.Messages(), f => MimeMessage.Load(f).To.Mailboxes.Single().Address.EndsWith("@zeta.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_project_whose_exclusion_is_lifted_while_a_round_is_being_recorded_gets_the_details_in_the_notices_recorded_after()
    {
        await using var h = await NotifierHarness.StartAsync();
        // Alpha's contacts fill the first two chunks and Zeta's the next two (recipients come in project-name order).
        var rows = new[] { ("Alpha distro", "alpha", 2 * NotifyDownstreamConsumer.Chunk), ("Zeta distro", "zeta", NotifyDownstreamConsumer.Chunk + 100) }
            .Select(p => new
            {
                name = p.Item1, packages = new[] { "pkg:pypi/requests" },
                contacts = Enumerable.Range(0, p.Item3).Select(c => new { name = $"C{c}", email = $"c{c}@{p.Item2}.test" }).ToArray(),
            }).ToArray();
        (await h.Http.PostAsJsonAsync("import", rows)).EnsureSuccessStatusCode();
        var zeta = (await h.Http.GetFromJsonAsync<List<System.Text.Json.JsonElement>>("projects"))!
            .Single(p => p.GetProperty("name").GetString() == "Zeta distro").GetProperty("id").GetGuid();
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "requests", "pkg:pypi/requests"));
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        var embargoed = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, embargoed, disclosureAt, ["default"]));
        await Db.WaitForRoundDoneAsync(h, embargoed);
        (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = new[] { zeta } })).EnsureSuccessStatusCode();
        // Each chunk takes two seconds to record: the exclusion is lifted while the round is still being recorded.
        await Db.ScalarAsync<object>(h, """
            CREATE FUNCTION notifier.slow_chunk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$;
            CREATE TRIGGER slow_chunk AFTER INSERT ON notifier.notices FOR EACH STATEMENT EXECUTE FUNCTION notifier.slow_chunk();
            """);
        var round = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, round, disclosureAt.AddDays(3), ["default"], "the fix needs longer"));
        for (var deadline = DateTime.UtcNow.AddSeconds(30);
             await Db.ScalarAsync<long>(h, "SELECT count(*) FROM notifier.notices WHERE notification_id = $1", round) == 0; await Task.Delay(100))
            Assert.True(DateTime.UtcNow < deadline, "the first chunk was never recorded");

        (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = Array.Empty<Guid>() })).EnsureSuccessStatusCode();
        // The lift held the case's lock: no chunk was being recorded, and those recorded so far are these.
        var recordedBefore = await Db.ScalarAsync<long>(h, "SELECT coalesce(max(id), 0) FROM notifier.notices WHERE notification_id = $1", round);
        Assert.False(await Db.ScalarAsync<bool>(h, "SELECT notices_recorded_at IS NOT NULL FROM notifier.notifications WHERE id = $1", round),
            "the round was recorded whole before the exclusion was lifted: the test shows nothing");

        await Db.WaitForRoundDoneAsync(h, round);
        // (Those recorded before may have gone without the details before the lift, as they should have.)
        var after = "FROM notifier.notices WHERE notification_id = $1 AND email LIKE '%@zeta.test' AND id > $2";
        Assert.True(await Db.ScalarAsync<long>(h, "SELECT count(*) " + after, round, recordedBefore) >= NotifyDownstreamConsumer.Chunk / 2,
            await Db.ScalarAsync<string>(h, "SELECT string_agg(concat(d, ' ', a, ' ', m, ' ', n), '; ') FROM (SELECT split_part(email, '@', 2) d, id > $2 a, mode m, count(*) n FROM notifier.notices WHERE notification_id = $1 GROUP BY 1, 2, 3) t", round, recordedBefore));
        Assert.Equal("plain", await Db.ScalarAsync<string>(h, "SELECT string_agg(DISTINCT mode, ',') " + after, round, recordedBefore));
    }

    private static List<MimeMessage> Messages(NotifierHarness h, string to) =>
        h.Sink.Messages().Select(f => MimeMessage.Load(f)).Where(m => m.To.Mailboxes.Any(a => a.Address == to)).ToList();
}

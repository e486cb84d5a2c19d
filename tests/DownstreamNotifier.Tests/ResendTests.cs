using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;
using MailSink;
using MassTransit;
using MimeKit;

namespace DownstreamNotifier.Tests;

/// <summary>POST /cases/{id}/notices/resend: failed notices go again once their cause is fixed, and only while true.</summary>
public sealed class ResendTests
{
    [Fact]
    public async Task A_failed_notice_resent_after_the_address_is_fixed_goes_once_to_the_new_address_and_its_round_is_done_again()
    {
        await using var h = await NotifierHarness.StartAsync(to => to.StartsWith("gone", StringComparison.Ordinal) ? new SmtpReply(550, "no such user") : null);
        var project = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        var gone = await h.CreateContactAsync(project, "gone@alpine.test");
        await h.CreateContactAsync(project, "fine@alpine.test");
        var caseId = Guid.NewGuid();
        var round = Guid.NewGuid();
        var reported = new System.Collections.Concurrent.ConcurrentQueue<DownstreamNotified>();
        var probe = h.Bus.ConnectReceiveEndpoint(e => e.Handler<DownstreamNotified>(context =>
        {
            if (context.Message.NotificationId == round) reported.Enqueue(context.Message);
            return Task.CompletedTask;
        }));
        await probe.Ready;
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, round, DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1 && n.Counts["failed"] == 1);
        await WaitForAsync(() => reported.Count == 1);

        (await h.Http.PutAsJsonAsync($"contacts/{gone}", new { name = "back", email = "back@alpine.test", role = "security" })).EnsureSuccessStatusCode();
        var resend = await h.Http.PostAsync($"cases/{caseId}/notices/resend", null);
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        var answer = await resend.Content.ReadFromJsonAsync<JsonElement>();
        var resent = Assert.Single(answer.GetProperty("resent").EnumerateArray());
        Assert.Equal(gone, resent.GetProperty("contactId").GetGuid());
        Assert.Equal("back@alpine.test", resent.GetProperty("email").GetString());
        Assert.Contains("550", resent.GetProperty("lastError").GetString());
        Assert.Empty(answer.GetProperty("notResent").EnumerateArray());

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        var notice = done.Notices.Single(n => n.ContactId == gone);
        Assert.Equal(("sent", 1, "back@alpine.test"), (notice.State, notice.Attempts, notice.Email));
        Assert.Equal(2, done.Counts["total"]);
        // The round was reopened by the resend and is reported done again, with the new counts.
        await WaitForAsync(() => reported.Count == 2);
        Assert.Equal([(2, 1, 1), (2, 2, 0)], reported.Select(r => (r.Total, r.Sent, r.Failed)));
        await probe.StopAsync();

        // Nothing failed is left: a second request queues nothing, and nobody gets a second notice.
        var again = await (await h.Http.PostAsync($"cases/{caseId}/notices/resend", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(again.GetProperty("resent").EnumerateArray());
        await Task.Delay(1000);
        var recipients = h.Sink.Messages().Select(f => MimeMessage.Load(f).To.Mailboxes.Single().Address).Order().ToList();
        Assert.Equal(["back@alpine.test", "fine@alpine.test"], recipients);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !condition(); await Task.Delay(100))
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition never held");
    }

    [Fact]
    public async Task Only_the_contacts_named_are_resent_and_out_of_date_or_deleted_ones_stay_failed_with_the_reason()
    {
        var refuse = true;
        await using var h = await NotifierHarness.StartAsync(to => Volatile.Read(ref refuse) && to.StartsWith("gone", StringComparison.Ordinal)
            ? new SmtpReply(550, "no such user") : null);
        var project = await h.CreateProjectAsync("Fedora python-pillow", ["pkg:pypi/pillow"]);
        var first = await h.CreateContactAsync(project, "gone-1@fedora.test");
        var second = await h.CreateContactAsync(project, "gone-2@fedora.test");
        var deleted = await h.CreateContactAsync(project, "gone-3@fedora.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["failed"] == 3);
        (await h.Http.DeleteAsync($"contacts/{deleted}")).EnsureSuccessStatusCode();

        var named = await h.Http.PostAsJsonAsync($"cases/{caseId}/notices/resend", new { contactIds = new[] { deleted } });
        var answer = await named.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(answer.GetProperty("resent").EnumerateArray());
        Assert.Equal("the contact was deleted", Assert.Single(answer.GetProperty("notResent").EnumerateArray()).GetProperty("reason").GetString());

        Volatile.Write(ref refuse, false);
        var one = await (await h.Http.PostAsJsonAsync($"cases/{caseId}/notices/resend", new { contactIds = new[] { first } })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first, Assert.Single(one.GetProperty("resent").EnumerateArray()).GetProperty("contactId").GetGuid());
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        Assert.Equal("failed", (await h.WaitForNoticesAsync(caseId, _ => true)).Notices.Single(n => n.ContactId == second).State);

        // The embargo moves: the second contact's Embargoed notice names the old instant and stays failed (the Extended
        // round tells them the new one).
        var extended = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, extended, disclosureAt.AddDays(7), ["default"], "the fix needs longer"));
        await Db.WaitForRoundDoneAsync(h, extended);
        var all = await (await h.Http.PostAsync($"cases/{caseId}/notices/resend", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(all.GetProperty("resent").EnumerateArray());
        var reasons = all.GetProperty("notResent").EnumerateArray().ToDictionary(n => n.GetProperty("contactId").GetGuid(), n => n.GetProperty("reason").GetString());
        Assert.Equal(2, reasons.Count);
        Assert.StartsWith("out of date: the disclosure instant has moved", reasons[second]);
        Assert.Equal("the contact was deleted", reasons[deleted]);
        var sentTo = h.Sink.Messages().Select(f => MimeMessage.Load(f)).Select(m => (m.To.Mailboxes.Single().Address, m.Subject)).ToList();
        Assert.Equal(1, sentTo.Count(m => m.Address == "gone-1@fedora.test" && m.Subject!.Contains("Embargoed security notice")));
        Assert.DoesNotContain(sentTo, m => m.Address == "gone-2@fedora.test" && m.Subject!.Contains("Embargoed security notice"));
    }

    [Fact]
    public async Task A_resent_notice_goes_as_a_round_now_would_send_it_link_only_where_encryption_is_required_since_and_not_to_an_excluded_project()
    {
        var refuse = true;
        await using var h = await NotifierHarness.StartAsync(to => Volatile.Read(ref refuse) && to.StartsWith("gone", StringComparison.Ordinal)
            ? new SmtpReply(550, "no such user") : null);
        var joined = await h.CreateProjectAsync("Joins distros", ["pkg:pypi/pillow"]);
        var excluded = await h.CreateProjectAsync("Excluded distro", ["pkg:pypi/pillow"]);
        var keyless = await h.CreateContactAsync(joined, "gone-a@joins.test");
        var left = await h.CreateContactAsync(excluded, "gone-b@excluded.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        var failed = await h.WaitForNoticesAsync(caseId, n => n.Counts["failed"] == 2);
        Assert.All(failed.Notices, n => Assert.Equal("plain", n.Mode));

        (await h.Http.PutAsJsonAsync($"projects/{joined}", new { name = "Joins distros", ecosystem = "PyPI", packages = new[] { "pkg:pypi/pillow" }, channels = new[] { "distros" } }))
            .EnsureSuccessStatusCode();
        (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = new[] { excluded } })).EnsureSuccessStatusCode();
        Volatile.Write(ref refuse, false);
        var answer = await (await h.Http.PostAsync($"cases/{caseId}/notices/resend", null)).Content.ReadFromJsonAsync<JsonElement>();
        var resent = Assert.Single(answer.GetProperty("resent").EnumerateArray());
        Assert.Equal((keyless, "link_only"), (resent.GetProperty("contactId").GetGuid(), resent.GetProperty("mode").GetString()));
        var notResent = Assert.Single(answer.GetProperty("notResent").EnumerateArray());
        Assert.Equal(left, notResent.GetProperty("contactId").GetGuid());
        Assert.StartsWith("no longer a recipient", notResent.GetProperty("reason").GetString());

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        Assert.Equal(("sent", "link_only"), (done.Notices.Single(n => n.ContactId == keyless).State, done.Notices.Single(n => n.ContactId == keyless).Mode));
        await Task.Delay(500);
        var message = MimeMessage.Load(Assert.Single(h.Sink.Messages()));
        Assert.Equal("gone-a@joins.test", message.To.Mailboxes.Single().Address);
        var text = message.TextBody;
        Assert.DoesNotContain("frobnicator", text);
        Assert.DoesNotContain("3.12.9", text);
        Assert.Contains("http://notifier.test/notices/", text);
    }

    [Fact]
    public async Task A_bad_request_is_a_400_naming_the_field_and_queues_nothing()
    {
        await using var h = await NotifierHarness.StartAsync(to => to.StartsWith("gone", StringComparison.Ordinal) ? new SmtpReply(550, "no such user") : null);
        var project = await h.CreateProjectAsync("Debian python3-six", ["pkg:pypi/six"]);
        await h.CreateContactAsync(project, "gone@debian.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "six", "pkg:pypi/six"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["failed"] == 1);

        foreach (var (body, field) in new[]
                 {
                     ("{\"contactIds\":[]}", "contactIds"), ($"{{\"contactIds\":[\"{Guid.NewGuid()}\"]}}", "contactIds[0]"),
                     ("{\"contactIds\":[\"x\"]}", "contactIds[0]"), ("{\"contactIds\":\"all\"}", "contactIds"), ("{bad", "body"),
                 })
        {
            var response = await h.Http.PostAsync($"cases/{caseId}/notices/resend", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)response.StatusCode} {text}");
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{body}: {text}");
        }
        var plain = await h.Http.PostAsync($"cases/{caseId}/notices/resend", new StringContent("everything", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        using var anonymous = h.Service.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"cases/{caseId}/notices/resend", null)).StatusCode);

        var after = await h.WaitForNoticesAsync(caseId, _ => true);
        Assert.Equal(("failed", 1), (after.Notices.Single().State, after.Notices.Single().Attempts));
        Assert.DoesNotContain("nhandled", h.Service.Output);
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Contracts.Notices;
using Coordination.Testing;
using DownstreamNotifier.Tests.Support;
using MailSink;
using MimeKit;
using MimeKit.Cryptography;

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

    [Fact]
    public async Task A_reminder_waiting_on_the_server_is_not_sent_once_its_address_acknowledged_as_its_other_contact()
    {
        using var gpg = new Gpg();
        var key = await gpg.NewCurve25519KeyAsync("shared@distro.test");
        var hold = 0;
        await using var h = await NotifierHarness.StartAsync(to =>
            Volatile.Read(ref hold) == 1 && to.StartsWith("shared", StringComparison.OrdinalIgnoreCase) ? new SmtpReply(451, "try again later") : null);
        var alpha = await h.CreateProjectAsync("Alpha distro", ["pkg:pypi/pillow"]);
        var beta = await h.CreateProjectAsync("Beta distro", ["pkg:pypi/pillow"]);
        var first = await h.CreateContactAsync(alpha, "shared@distro.test");
        var second = await h.CreateContactAsync(beta, "shared@distro.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"]));
        var told = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        var toldAs = told.Notices.Single().ContactId;
        var link = LinkTests.LinkIn(MimeMessage.Load(Assert.Single(h.Sink.Messages())));

        // The other contact gets a key, so the reminder is recorded as that one; the server holds it back.
        var keyed = toldAs == first ? second : first;
        (await h.Http.PutAsJsonAsync($"contacts/{keyed}", new { name = "shared", email = "shared@distro.test", role = "security", publicKey = key })).EnsureSuccessStatusCode();
        Volatile.Write(ref hold, 1);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Reminder, Guid.NewGuid(), disclosureAt, ["default"]));
        var waiting = await h.WaitForNoticesAsync(caseId, n => n.Notices.Any(x => x.Kind == NoticeKinds.Reminder && x.State == "deferred"));
        Assert.Equal(keyed, waiting.Notices.Single(x => x.Kind == NoticeKinds.Reminder).ContactId);
        using (var anonymous = h.Service.CreateClient()) // the address reads the notice, by the link it was sent
            Assert.Equal(System.Net.HttpStatusCode.OK, (await anonymous.GetAsync(link)).StatusCode);
        Volatile.Write(ref hold, 0);

        var done = await h.WaitForNoticesAsync(caseId, n => n.Notices.Any(x => x.Kind == NoticeKinds.Reminder && x.State == "cancelled"));
        Assert.Contains("acknowledged", done.Notices.Single(x => x.Kind == NoticeKinds.Reminder).LastError);
        await Task.Delay(1500);
        Assert.Single(h.Sink.Messages()); // the Embargoed notice only
    }

    [Fact]
    public async Task An_address_whose_contact_was_deleted_before_its_notice_went_is_not_warned_and_a_warning_tells_it_as_its_other_contact()
    {
        var hold = 1;
        await using var h = await NotifierHarness.StartAsync(to => Volatile.Read(ref hold) == 1 && to == "shared@distro.test" ? new SmtpReply(451, "try again later") : null);
        var alpha = await h.CreateProjectAsync("Alpha distro", ["pkg:pypi/pillow"]);
        var beta = await h.CreateProjectAsync("Beta distro", ["pkg:pypi/pillow"]);
        await h.CreateContactAsync(alpha, "shared@distro.test");
        await h.CreateContactAsync(beta, "shared@distro.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        var deferred = (await h.WaitForNoticesAsync(caseId, n => n.Counts["deferred"] == 1)).Notices.Single();

        // A member deletes the contact the address was being told as (a duplicate of the other); its notice then fails.
        (await h.Http.DeleteAsync($"contacts/{deferred.ContactId}")).EnsureSuccessStatusCode();
        Volatile.Write(ref hold, 0);
        await h.WaitForNoticesAsync(caseId, n => n.Counts["failed"] == 1, TimeSpan.FromSeconds(120));

        var preview = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
        var recipient = preview.GetProperty("recipients").EnumerateArray().Single();
        Assert.False(recipient.GetProperty("warned").GetBoolean(), recipient.GetRawText());
        var warn = await h.Http.PostAsync($"cases/{caseId}/recipients/warn", null);
        var answer = await warn.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(warn.StatusCode == System.Net.HttpStatusCode.Accepted, answer.GetRawText());
        Assert.Equal("shared@distro.test", answer.GetProperty("recipients").EnumerateArray().Single().GetProperty("email").GetString());
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        await Task.Delay(500);
        Assert.Single(h.Sink.Messages());
    }

    [Fact]
    public async Task A_withdrawal_reaches_an_address_told_as_a_graph_contact_that_is_also_a_contact_of_an_included_project()
    {
        await using var h = await NotifierHarness.StartAsync();
        var dependent = await h.CreateProjectAsync("Alpha distro", ["pkg:pypi/pillow"]);
        var included = await h.CreateProjectAsync("Hand-picked vendor", []);
        await h.CreateContactAsync(dependent, "shared@distro.test");
        await h.CreateContactAsync(included, "shared@distro.test");
        await h.CreateContactAsync(included, "vendor@vendor.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { include = new[] { included } })).EnsureSuccessStatusCode();
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);

        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Withdrawn, Guid.NewGuid(), disclosureAt, ["default"], "not a vulnerability"));
        var done = await h.WaitForNoticesAsync(caseId, n => n.Notices.Count(x => x.Kind == NoticeKinds.Withdrawn && x.State == "sent") == 2);
        Assert.Equal(["shared@distro.test", "vendor@vendor.test"],
            done.Notices.Where(x => x.Kind == NoticeKinds.Withdrawn).Select(x => x.Email.ToLowerInvariant()).Order());
    }

    [Fact]
    public async Task An_address_warned_as_its_other_contact_while_its_first_notice_was_excluded_gets_that_one_not_again_when_lifted()
    {
        var hold = 1;
        await using var h = await NotifierHarness.StartAsync(to => Volatile.Read(ref hold) == 1 && to == "shared@distro.test" ? new SmtpReply(451, "try again later") : null);
        var alpha = await h.CreateProjectAsync("Alpha distro", ["pkg:pypi/pillow"]);
        var beta = await h.CreateProjectAsync("Beta distro", ["pkg:pypi/pillow"]);
        var first = await h.CreateContactAsync(alpha, "shared@distro.test");
        await h.CreateContactAsync(beta, "shared@distro.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        var deferred = (await h.WaitForNoticesAsync(caseId, n => n.Counts["deferred"] == 1)).Notices.Single();

        // Its project excluded (the notice cancelled), the address is warned as its other contact.
        var excluded = deferred.ContactId == first ? alpha : beta;
        (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = new[] { excluded } })).EnsureSuccessStatusCode();
        await h.WaitForNoticesAsync(caseId, n => n.Counts["cancelled"] == 1);
        Volatile.Write(ref hold, 0);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await h.Http.PostAsync($"cases/{caseId}/recipients/warn", null)).StatusCode);
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);

        // Lifted: the cancelled notice does not go as well.
        var lifted = await (await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { exclude = Array.Empty<Guid>() }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(lifted.GetProperty("resent").EnumerateArray());
        Assert.Equal(DownstreamNotifier.Apis.ResendNotices.AlreadyWarned,
            Assert.Single(lifted.GetProperty("notResent").EnumerateArray()).GetProperty("reason").GetString());
        await Task.Delay(1500);
        Assert.Single(h.Sink.Messages());
    }

    [Fact]
    public async Task A_failed_notice_resent_after_its_address_is_told_as_the_other_contact_goes_once_as_that_contact()
    {
        using var gpg = new Gpg();
        var key = await gpg.NewCurve25519KeyAsync("gone-shared@distro.test");
        await using var d = await TwoDistros.StartAsync("gone-shared@distro.test", "gone-shared@distro.test");
        var (h, caseId) = (d.Harness, d.CaseId);
        var failed = Assert.Single((await h.WaitForNoticesAsync(caseId, n => n.Counts["failed"] == 1)).Notices);
        var other = failed.ContactId == d.Alpha ? d.Beta : d.Alpha;

        // The other contact gets a key, so the address is now told as that one: the failed notice goes as it, encrypted.
        (await h.Http.PutAsJsonAsync($"contacts/{other}", new { name = "shared", email = "gone-shared@distro.test", role = "security", publicKey = key }))
            .EnsureSuccessStatusCode();
        d.Release();
        var answer = await (await h.Http.PostAsJsonAsync($"cases/{caseId}/notices/resend", new { contactIds = new[] { failed.ContactId } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(answer.GetProperty("notResent").EnumerateArray());
        var resent = Assert.Single(answer.GetProperty("resent").EnumerateArray());
        Assert.Equal((other, failed.ContactId, "encrypted"),
            (resent.GetProperty("contactId").GetGuid(), resent.GetProperty("failedAsContactId").GetGuid(), resent.GetProperty("mode").GetString()));

        var done = Assert.Single((await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1)).Notices);
        Assert.Equal((other, "sent", "encrypted"), (done.ContactId, done.State, done.Mode));
        await Task.Delay(500);
        var message = MimeMessage.Load(Assert.Single(h.Sink.Messages()));
        Assert.Equal("gone-shared@distro.test", message.To.Mailboxes.Single().Address);
        Assert.IsType<MultipartEncrypted>(message.Body);
    }

    [Fact]
    public async Task A_failed_notice_whose_address_has_a_notice_of_the_round_as_the_other_contact_stays_failed_and_says_why()
    {
        using var gpg = new Gpg();
        var key = await gpg.NewCurve25519KeyAsync("gone-shared@distro.test");
        await using var d = await TwoDistros.StartAsync("gone-shared@distro.test", "told@beta.test");
        var (h, caseId, gone, told) = (d.Harness, d.CaseId, d.Alpha, d.Beta);
        await h.WaitForNoticesAsync(caseId, n => n.Counts["failed"] == 1 && n.Counts["sent"] == 1);

        // The contact told in the round takes the failed one's address (and a key, so it is the one chosen for it): the
        // address already has this round's notice as that contact, so nothing goes twice.
        (await h.Http.PutAsJsonAsync($"contacts/{told}", new { name = "shared", email = "gone-shared@distro.test", role = "security", publicKey = key }))
            .EnsureSuccessStatusCode();
        d.Release();
        var answer = await (await h.Http.PostAsync($"cases/{caseId}/notices/resend", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(answer.GetProperty("resent").EnumerateArray());
        var notResent = Assert.Single(answer.GetProperty("notResent").EnumerateArray());
        Assert.Equal(gone, notResent.GetProperty("contactId").GetGuid());
        Assert.StartsWith("its address has a notice of this round as another contact", notResent.GetProperty("reason").GetString());
        var after = await h.WaitForNoticesAsync(caseId, _ => true);
        Assert.Equal("failed", after.Notices.Single(n => n.ContactId == gone).State);
    }

    [Fact]
    public async Task A_failed_notice_readdressed_to_an_address_the_round_has_told_as_another_contact_stays_failed()
    {
        await using var d = await TwoDistros.StartAsync("gone@alpha.test", "security@distro.test");
        var (h, caseId, gone) = (d.Harness, d.CaseId, d.Alpha);
        await h.WaitForNoticesAsync(caseId, n => n.Counts["failed"] == 1 && n.Counts["sent"] == 1);

        // The failed contact is "fixed" to the address the round has already told (as the other project's contact);
        // it is the one chosen for that address now (Alpha comes first), but the address has this round's notice.
        (await h.Http.PutAsJsonAsync($"contacts/{gone}", new { name = "fixed", email = "security@distro.test", role = "security" })).EnsureSuccessStatusCode();
        d.Release();
        var answer = await (await h.Http.PostAsync($"cases/{caseId}/notices/resend", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(answer.GetProperty("resent").EnumerateArray());
        var notResent = Assert.Single(answer.GetProperty("notResent").EnumerateArray());
        Assert.Equal(gone, notResent.GetProperty("contactId").GetGuid());
        Assert.StartsWith("its address has had this round's notice already", notResent.GetProperty("reason").GetString());
        await Task.Delay(1000);
        Assert.Single(h.Sink.Messages(), f => MimeMessage.Load(f).To.Mailboxes.Single().Address == "security@distro.test");
    }

    /// <summary>
    /// Alpha distro and Beta distro, both depending on Pillow, with a contact each (Alpha's is chosen for an address they
    /// share); the mail server refuses every address starting with "gone" until <see cref="Release"/>; and a case whose
    /// Embargoed round has been sent to them.
    /// </summary>
    private sealed class TwoDistros : IAsyncDisposable
    {
        private volatile bool refusing = true;
        public NotifierHarness Harness { get; private set; } = null!;
        public Guid CaseId { get; } = Guid.NewGuid();
        public Guid Alpha { get; private set; }
        public Guid Beta { get; private set; }

        public static async Task<TwoDistros> StartAsync(string alphaEmail, string betaEmail)
        {
            var d = new TwoDistros();
            d.Harness = await NotifierHarness.StartAsync(to => d.refusing && to.StartsWith("gone", StringComparison.Ordinal) ? new SmtpReply(550, "no such user") : null);
            var h = d.Harness;
            d.Alpha = await h.CreateContactAsync(await h.CreateProjectAsync("Alpha distro", ["pkg:pypi/pillow"]), alphaEmail);
            d.Beta = await h.CreateContactAsync(await h.CreateProjectAsync("Beta distro", ["pkg:pypi/pillow"]), betaEmail);
            await h.PublishDraftAsync(d.CaseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));
            await h.SendAsync(new NotifyDownstream(d.CaseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
            return d;
        }

        public void Release() => refusing = false;

        public ValueTask DisposeAsync() => Harness.DisposeAsync();
    }
}

using Coordination.Testing;
using System.Net;
using System.Net.Http.Json;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;
using MimeKit;
using MimeKit.Cryptography;

namespace DownstreamNotifier.Tests;

public sealed class EncryptedNoticeTests
{
    [Fact]
    public async Task Contacts_with_RSA_or_Curve25519_keys_get_notices_gpg_decrypts_and_a_keyless_distros_contact_gets_only_the_link()
    {
        using var gpg = new Gpg();
        var rsaKey = await gpg.NewRsaKeyAsync("rsa@debian.test");
        var curveKey = await gpg.NewCurve25519KeyAsync("curve@fedora.test");
        await using var h = await NotifierHarness.StartAsync();

        var debian = await h.CreateProjectAsync("Debian python3.12", ["pkg:generic/cpython", new { purl = "pkg:deb/debian/python3.12", relation = "ships" }], ["distros"]);
        var fedora = await h.CreateProjectAsync("Fedora python3", ["pkg:generic/cpython"], ["distros"]);
        var rsa = await h.CreateContactAsync(debian, "rsa@debian.test", rsaKey, "Europe/Berlin");
        await h.CreateContactAsync(fedora, "curve@fedora.test", curveKey);
        var keyless = await h.CreateContactAsync(debian, "nokey@debian.test");

        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "cpython", "pkg:generic/cpython"));
        var disclosure = new DateTimeOffset(2030, 1, 15, 14, 0, 0, TimeSpan.Zero);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosure, ["default"]));

        var notices = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 3);
        Assert.Equal(["encrypted", "encrypted", "link_only"], notices.Notices.OrderBy(n => n.Email == "nokey@debian.test").Select(n => n.Mode));
        var files = await h.Sink.WaitForMessagesAsync(3, TimeSpan.FromSeconds(10));
        var messages = new Dictionary<string, MimeMessage>();
        foreach (var f in files)
        {
            var m = await MimeMessage.LoadAsync(f);
            messages[m.To.Mailboxes.Single().Address] = m;
        }

        var tag = $"[COORD-{caseId:N}"[..15] + "]";
        foreach (var address in new[] { "rsa@debian.test", "curve@fedora.test" })
        {
            var m = messages[address];
            Assert.StartsWith(tag, m.Subject);
            var encrypted = Assert.IsType<MultipartEncrypted>(m.Body);
            // RFC 3156: the protocol parameter, a version part, then the encrypted data.
            Assert.Equal("application/pgp-encrypted", encrypted.ContentType.Parameters["protocol"]);
            Assert.Equal(2, encrypted.Count);
            Assert.Equal("application/pgp-encrypted", encrypted[0].ContentType.MimeType);
            using (var version = new MemoryStream())
            {
                ((MimePart)encrypted[0]).Content!.DecodeTo(version);
                Assert.Equal("Version: 1", System.Text.Encoding.ASCII.GetString(version.ToArray()).Trim());
            }
            Assert.Equal("application/octet-stream", encrypted[1].ContentType.MimeType);
            Assert.DoesNotContain("frobnicator", m.ToString());
            using var stream = new MemoryStream();
            ((MimePart)encrypted[1]).Content!.DecodeTo(stream);
            var plain = await gpg.DecryptAsync(stream.ToArray());
            Assert.Contains("Heap overflow in the frobnicator", plain);
            Assert.Contains("Upgrade to 3.12.9", plain);
            Assert.Contains("2030-01-15 14:00 UTC", plain);
            Assert.Contains("http://notifier.test/notices/", plain);
            if (address == "rsa@debian.test") Assert.Contains("2030-01-15 15:00 your time (Europe/Berlin)", plain);
        }

        var linkOnly = messages["nokey@debian.test"];
        var text = Assert.IsType<TextPart>(linkOnly.Body).Text;
        Assert.DoesNotContain("frobnicator", text);
        Assert.DoesNotContain("frobnicator", linkOnly.Subject);
        Assert.DoesNotContain("Upgrade to", text);
        var link = text.Split('\n').Single(l => l.StartsWith("http://notifier.test/notices/", StringComparison.Ordinal)).Trim();

        // Following the link acknowledges the notice and shows the details; a status can follow.
        using var anonymous = h.Service.CreateClient();
        var path = new Uri(link).AbsolutePath.TrimStart('/');
        var view = await anonymous.GetFromJsonAsync<Dictionary<string, object>>(path);
        Assert.Equal("Heap overflow in the frobnicator", view!["title"].ToString());
        var status = await anonymous.PostAsJsonAsync(path + "/status", new { status = "affected", statement = "Fix in 3.12.9-1" });
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var bad = await anonymous.PostAsJsonAsync(path + "/status", new { status = "maybe" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"status\"", await bad.Content.ReadAsStringAsync());

        var after = await h.WaitForNoticesAsync(caseId, n => n.Acknowledged == 1);
        var row = after.Notices.Single(n => n.ContactId == keyless);
        Assert.Equal("affected", row.Status);
        Assert.Equal("Fix in 3.12.9-1", row.Statement);
        Assert.NotNull(row.AcknowledgedAt);
        Assert.Null(after.Notices.Single(n => n.ContactId == rsa).AcknowledgedAt);

        // A reminder goes only to those who have not acknowledged.
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Reminder, Guid.NewGuid(), disclosure, ["default"]));
        var reminded = await h.WaitForNoticesAsync(caseId, n => n.Notices.Count(x => x.Kind == NoticeKinds.Reminder && x.State == "sent") == 2);
        Assert.DoesNotContain(reminded.Notices, n => n.Kind == NoticeKinds.Reminder && n.ContactId == keyless);
    }
    [Fact]
    public async Task With_a_team_signing_key_configured_encrypted_notices_carry_the_team_signature()
    {
        using var gpg = new Gpg();
        await gpg.NewCurve25519KeyAsync("psrt@python.test");
        var teamSecret = await gpg.ExportSecretAsync("psrt@python.test");
        var rsaKey = await gpg.NewRsaKeyAsync("rsa@debian.test");
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Notifier__SigningKey"] = teamSecret, ["Notifier__SigningKeyPassphrase"] = "" });

        var debian = await h.CreateProjectAsync("Debian python3.12", ["pkg:generic/cpython"], ["distros"]);
        await h.CreateContactAsync(debian, "rsa@debian.test", rsaKey);
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "cpython", "pkg:generic/cpython"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));

        var file = Assert.Single(await h.Sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30)));
        var encrypted = Assert.IsType<MultipartEncrypted>((await MimeMessage.LoadAsync(file)).Body);
        using var stream = new MemoryStream();
        ((MimePart)encrypted[1]).Content!.DecodeTo(stream);
        var (plain, status) = await gpg.DecryptWithStatusAsync(stream.ToArray());
        Assert.Contains("Heap overflow in the frobnicator", plain);
        var fingerprint = await gpg.FingerprintAsync("psrt@python.test");
        Assert.Contains(status, l => l.Contains($"VALIDSIG {fingerprint}"));
    }
}

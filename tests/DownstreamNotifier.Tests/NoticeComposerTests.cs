using Coordination.Contracts.Notices;
using Coordination.Hosting.Mail;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Email;
using DownstreamNotifier.Links;
using Microsoft.Extensions.Options;
using MimeKit;

namespace DownstreamNotifier.Tests;

public sealed class NoticeComposerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 4, 20, 0, TimeSpan.Zero);

    private readonly NoticeComposer composer;

    public NoticeComposerTests()
    {
        var options = Options.Create(new NotifierOptions { LinkKey = Convert.ToBase64String(new byte[32]), PublicBaseUrl = "http://notifier.test" });
        composer = new NoticeComposer(Options.Create(new SmtpOptions { From = "security@coordination.test", FromName = "PSRT" }), options, new NoticeLinks(options));
    }

    [Fact]
    public void A_notice_carries_one_date_and_one_stable_message_id_of_its_own()
    {
        var round = new NotificationRecord(Guid.NewGuid(), Guid.NewGuid(), NoticeKinds.Embargoed, Now.AddDays(7), [], null, null, [], null);
        var notice = new ClaimedNotice { Id = 4711, Email = "ada@distro.test", ContactName = "Ada", Kind = NoticeKinds.Embargoed, Mode = NoticeModes.Plain };

        var message = composer.Compose(round, notice, Now);

        Assert.Equal($"notice-4711.{SubjectTag.ShortId(round.CaseId)}@coordination.test", message.MessageId);
        Assert.Equal(Now, message.Date);
        Assert.Equal("security@coordination.test", message.From.Mailboxes.Single().Address);
        Assert.Equal("ada@distro.test", message.To.Mailboxes.Single().Address);
        Assert.StartsWith(SubjectTag.For(round.CaseId), message.Subject);
        using var written = new MemoryStream();
        message.WriteTo(written);
        var headers = MimeMessage.Load(new MemoryStream(written.ToArray())).Headers;
        Assert.Single(headers, h => h.Id == HeaderId.Date);
        Assert.Single(headers, h => h.Id == HeaderId.MessageId);
    }

    [Theory]
    [InlineData("PSF-2031-1", "CVE-2031-4242", ": CVE-2031-4242 (PSF-2031-1)")]
    [InlineData("PSF-2031-1", null, ": PSF-2031-1")]
    [InlineData("CVE-2031-4242", "CVE-2031-4242", ": CVE-2031-4242")]
    public void A_now_public_notice_names_the_advisory_and_its_CVE_id(string advisoryId, string? cveId, string subjectEnd)
    {
        var draft = new Coordination.Contracts.Advisories.AdvisoryDraft("Heap overflow in the frobnicator", "s", "d", [], null, [], [], cveId, []);
        var round = new NotificationRecord(Guid.NewGuid(), Guid.NewGuid(), NoticeKinds.NowPublic, Now, [], null, advisoryId, ["https://example.test/osv"], draft);

        foreach (var mode in new[] { NoticeModes.Plain, NoticeModes.LinkOnly })
        {
            var message = composer.Compose(round, new ClaimedNotice { Id = 1, Email = "ada@distro.test", Kind = NoticeKinds.NowPublic, Mode = mode }, Now);

            Assert.EndsWith("Now public" + subjectEnd, message.Subject);
            var text = Assert.IsType<TextPart>(message.Body).Text;
            Assert.Contains("Advisory: " + advisoryId, text);
            if (cveId is not null && cveId != advisoryId) Assert.Contains("CVE: " + cveId, text);
            else Assert.DoesNotContain("CVE: ", text);
        }
    }

    [Fact]
    public void A_composed_notice_is_not_kept_alive_by_the_composer()
    {
        var first = ComposeAndForget();
        composer.Compose(Round(), Notice(2), Now); // a second one, as in a fan-out

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(first.IsAlive, "the composer still references a notice it composed earlier (and its cleartext)");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private WeakReference ComposeAndForget() => new(composer.Compose(Round(), Notice(1), Now));

    private static NotificationRecord Round() =>
        new(Guid.NewGuid(), Guid.NewGuid(), NoticeKinds.Embargoed, Now.AddDays(7), [], null, null, [], null);

    private static ClaimedNotice Notice(long id) =>
        new() { Id = id, Email = $"c{id}@distro.test", ContactName = "C", Kind = NoticeKinds.Embargoed, Mode = NoticeModes.Plain };
}

public sealed class NoticeComposerKeyFallbackTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 4, 20, 0, TimeSpan.Zero);

    private static readonly Coordination.Contracts.Advisories.AdvisoryDraft Draft = new("Heap overflow in the frobnicator",
        "A crafted input overflows a heap buffer.", "Details.", [], null, [], [], null, [], "Upgrade to 3.12.9");

    private static NoticeComposer Composer()
    {
        var options = Options.Create(new NotifierOptions { LinkKey = Convert.ToBase64String(new byte[32]), PublicBaseUrl = "http://notifier.test" });
        return new NoticeComposer(Options.Create(new SmtpOptions { From = "security@coordination.test" }), options, new NoticeLinks(options));
    }

    [Fact]
    public async Task An_encrypted_notice_whose_key_was_removed_or_has_expired_goes_link_only_without_details()
    {
        using var gpg = new Coordination.Testing.Gpg();
        var armored = await gpg.NewCurve25519KeyAsync("ada@distro.test");
        Assert.True(DownstreamNotifier.Keys.OpenPgpKeyInspector.TryCheck(armored, Now, out var check, out _));
        var (composer, draft) = (Composer(), Draft);
        var round = new NotificationRecord(Guid.NewGuid(), Guid.NewGuid(), NoticeKinds.Embargoed, Now.AddDays(7), [], null, null, [], draft);
        var removed = new ClaimedNotice { Id = 1, Email = "ada@distro.test", Kind = NoticeKinds.Embargoed, Mode = NoticeModes.Encrypted };
        var expired = new ClaimedNotice { Id = 2, Email = "ada@distro.test", Kind = NoticeKinds.Embargoed, Mode = NoticeModes.Encrypted, PublicKey = armored,
            KeyFingerprint = check!.Fingerprint, EncryptionSubkey = Convert.ToHexString(check.EncryptionKey.GetFingerprint()), KeyExpiresAt = Now.AddDays(-1) };

        foreach (var notice in new[] { removed, expired })
        {
            var message = composer.Compose(round, notice, Now, out var mode);
            Assert.Equal(NoticeModes.LinkOnly, mode);
            var text = Assert.IsType<TextPart>(message.Body).Text;
            Assert.Contains("http://notifier.test/notices/", text);
            Assert.DoesNotContain("frobnicator", message.ToString());
            Assert.DoesNotContain("Upgrade to", text);
        }
    }

    [Fact]
    public void A_plain_notice_in_a_case_whose_channel_requires_encryption_by_now_goes_link_only_without_details()
    {
        var options = Options.Create(new NotifierOptions { LinkKey = Convert.ToBase64String(new byte[32]), PublicBaseUrl = "http://notifier.test" });
        options.Value.Channels["embargo-list"] = new ChannelOptions { RequireEncryption = true }; // configured after the round was recorded
        var composer = new NoticeComposer(Options.Create(new SmtpOptions { From = "security@coordination.test" }), options, new NoticeLinks(options));
        var inChannel = new NotificationRecord(Guid.NewGuid(), Guid.NewGuid(), NoticeKinds.Embargoed, Now.AddDays(7), ["embargo-list"], null, null, [], Draft);
        var elsewhere = inChannel with { Channels = ["default"] };
        ClaimedNotice Plain() => new() { Id = 1, Email = "ada@distro.test", Kind = NoticeKinds.Embargoed, Mode = NoticeModes.Plain };

        var message = composer.Compose(inChannel, Plain(), Now, out var mode);
        Assert.Equal(NoticeModes.LinkOnly, mode);
        Assert.DoesNotContain("frobnicator", message.ToString());
        Assert.Contains("http://notifier.test/notices/", message.TextBody);

        composer.Compose(elsewhere, Plain(), Now, out var elsewhereMode);
        Assert.Equal(NoticeModes.Plain, elsewhereMode);
    }

    // The key a contact holds when its notice goes, not the mode recorded with the round, decides encryption.
    [Theory]
    [InlineData(NoticeModes.Plain, NoticeModes.Encrypted)]
    [InlineData(NoticeModes.LinkOnly, NoticeModes.Encrypted)]
    [InlineData(NoticeModes.ScheduleOnly, NoticeModes.ScheduleOnly)]
    public async Task A_notice_to_a_contact_that_holds_a_usable_key_is_encrypted_whatever_it_was_recorded_as(string recorded, string sent)
    {
        using var gpg = new Coordination.Testing.Gpg();
        var armored = await gpg.NewCurve25519KeyAsync("ada@distro.test");
        Assert.True(DownstreamNotifier.Keys.OpenPgpKeyInspector.TryCheck(armored, Now, out var check, out _));
        var (composer, draft) = (Composer(), Draft);
        var kind = recorded == NoticeModes.ScheduleOnly ? NoticeKinds.Extended : NoticeKinds.Embargoed;
        var round = new NotificationRecord(Guid.NewGuid(), Guid.NewGuid(), kind, Now.AddDays(7), [], null, null, [], draft);
        var notice = new ClaimedNotice { Id = 1, Email = "ada@distro.test", Kind = kind, Mode = recorded, PublicKey = armored,
            KeyFingerprint = check!.Fingerprint, EncryptionSubkey = Convert.ToHexString(check.EncryptionKey.GetFingerprint()), KeyExpiresAt = check.ExpiresAt };

        var message = composer.Compose(round, notice, Now, out var mode);

        Assert.Equal(sent, mode);
        using var written = new MemoryStream();
        message.WriteTo(written);
        var raw = System.Text.Encoding.UTF8.GetString(written.ToArray());
        Assert.Contains("multipart/encrypted", raw);
        Assert.DoesNotContain("frobnicator", raw);
        Assert.DoesNotContain("/notices/", raw); // the link too travels inside the encryption
        var encrypted = Assert.IsAssignableFrom<Multipart>(MimeMessage.Load(new MemoryStream(written.ToArray())).Body);
        using var cipherText = new MemoryStream();
        ((MimePart)encrypted[1]).Content!.DecodeTo(cipherText);
        var plain = await gpg.DecryptAsync(cipherText.ToArray());
        Assert.Contains("/notices/", plain);
        if (sent == NoticeModes.ScheduleOnly) Assert.DoesNotContain("frobnicator", plain);
        else Assert.Contains("Heap overflow in the frobnicator", plain);
    }
}

using System.Collections.Concurrent;
using Coordination.Hosting.Mail;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Keys;
using DownstreamNotifier.Links;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Utils;
using Microsoft.Extensions.Options;

namespace DownstreamNotifier.Email;

/// <summary>
/// Builds one notice as a MIME message: PGP/MIME encrypted to the contact's key (signed with the team key when one is
/// configured), plain, or link-only. Keys were checked at upload, which chose the subkey to encrypt to; each key read is
/// cached.
/// </summary>
public sealed class NoticeComposer(IOptions<SmtpOptions> smtp, IOptions<NotifierOptions> options, NoticeLinks links)
{
    // Keyed by what the key is read from (the key text by its hash), as a tuple: no string is built per notice.
    private readonly ConcurrentDictionary<(string? Fingerprint, string? Subkey, DateTimeOffset? ExpiresAt, int KeyText), RecipientKey?> keys = new();
    private readonly string fromName = smtp.Value.FromName, fromAddress = smtp.Value.From;
    private readonly string fromDomain = new MailboxAddress(smtp.Value.FromName, smtp.Value.From).Domain;
    private readonly TeamSigner? signer = LoadSigner(options.Value);
    private readonly NotifierOptions settings = options.Value;
    // One context per thread, not one per message (building one is not free); Compose never awaits, so a thread's
    // context never serves two messages at once. AES-256 is named explicitly: MimeKit's default cipher is CAST5.
    private readonly ThreadLocal<InMemoryOpenPgpContext> contexts = new(() => new InMemoryOpenPgpContext(options.Value.SigningKeyPassphrase));

    public MimeMessage Compose(NotificationRecord n, ClaimedNotice notice, DateTimeOffset now) => Compose(n, notice, now, out _);

    /// <summary>
    /// The mode recorded with the notice is what was known then; the key is what the contact holds now. A contact with
    /// a usable key gets the notice encrypted whatever it was recorded as: a plain or link-only notice becomes an
    /// encrypted one (a key uploaded since), a schedule-only one stays schedule-only but encrypted. An encrypted notice
    /// whose contact's key has expired, was removed or cannot be used goes as a link-only notice (none of the details;
    /// always safe), so that the contact still hears of the case. A plain notice to a contact without a key goes
    /// link-only too when a channel of its address's projects or of the case requires encryption now (joined, or so
    /// configured, since the round was recorded).
    /// </summary>
    /// <param name="mode">the mode the notice went in: its own, encrypted for a key the contact has now, or link-only
    /// for want of a usable one.</param>
    /// <exception cref="NoticeKeyException">the contact's key cannot be used when encrypting (a failed notice).</exception>
    public MimeMessage Compose(NotificationRecord n, ClaimedNotice notice, DateTimeOffset now, out string mode)
    {
        mode = notice.Mode;
        RecipientKey? key = null;
        if (mode == NoticeModes.Encrypted || notice.PublicKey is not null)
        {
            try { key = KeyFor(notice, now); }
            catch (NoticeKeyException) when (mode == NoticeModes.Encrypted) { mode = NoticeModes.LinkOnly; }
            catch (NoticeKeyException) { } // recorded without encryption: goes as recorded
        }
        if (key is not null && mode is NoticeModes.Plain or NoticeModes.LinkOnly) mode = NoticeModes.Encrypted;
        if (key is null && mode == NoticeModes.Plain && (notice.AddressRequiresEncryption || settings.RequiresEncryption(n.Channels)))
            mode = NoticeModes.LinkOnly;
        var link = links.Url(n.CaseId, notice.ContactId, notice.LinkGeneration, n.DisclosureAt);
        var (subject, text) = NoticeTemplates.Render(n, notice.ContactName, notice.TimeZone, link, mode);
        // Given as headers: the parameterless constructor makes a Date and a Message-Id of its own, which cost as much
        // as the rest of a plain notice's headers and would be replaced at once.
        var message = new MimeMessage(
            new Header(HeaderId.Date, DateUtils.FormatDate(now)),
            new Header(HeaderId.MessageId, $"<notice-{notice.Id}.{SubjectTag.ShortId(n.CaseId)}@{fromDomain}>"));
        // A new address each time: a list subscribes to the Changed event of every address added to it, so one shared
        // address would hold on to every message ever composed (and its cleartext) and its event grow by one per notice.
        message.From.Add(new MailboxAddress(fromName, fromAddress));
        message.To.Add(new MailboxAddress(notice.ContactName ?? "", notice.Email));
        message.Subject = subject;
        if (key is null)
        {
            message.Body = new TextPart("plain") { Text = text };
            return message;
        }

        if (key.HasOwnEnvelope)
        {
            message.Body = PgpMimeBody.Encrypted(PgpMessage.EncryptArmored(key, PgpMimeBody.Cleartext(text), now, signer));
            return message;
        }
        var ctx = contexts.Value!;
        var body = new TextPart("plain") { Text = text };
        message.Body = signer is null
            ? MultipartEncrypted.Encrypt(ctx, EncryptionAlgorithm.Aes256, [key.Check.EncryptionKey], body)
            : MultipartEncrypted.SignAndEncrypt(ctx, signer.SecretKey, DigestAlgorithm.Sha256, EncryptionAlgorithm.Aes256, [key.Check.EncryptionKey], body);
        return message;
    }

    private RecipientKey KeyFor(ClaimedNotice notice, DateTimeOffset now)
    {
        if (notice.PublicKey is null) throw new NoticeKeyException("the contact's key was removed");
        var key = keys.GetOrAdd((notice.KeyFingerprint, notice.EncryptionSubkey, notice.KeyExpiresAt, notice.PublicKey.GetHashCode()), static (_, n) =>
            OpenPgpKeyInspector.TryReadChecked(n.PublicKey!, n.EncryptionSubkey, n.KeyExpiresAt, out var check)
                ? RecipientKey.From(check) : null, notice);
        if (key is null) throw new NoticeKeyException("the contact's key is not usable");
        if (key.Check.ExpiresAt <= now) throw new NoticeKeyException("the contact's key has expired");
        return key;
    }

    private static TeamSigner? LoadSigner(NotifierOptions o) =>
        !string.IsNullOrWhiteSpace(o.SigningKey) && SigningKeyLoader.TryLoad(o.SigningKey, o.SigningKeyPassphrase, out var key, out _)
            ? TeamSigner.Open(key!, o.SigningKeyPassphrase) : null;
}

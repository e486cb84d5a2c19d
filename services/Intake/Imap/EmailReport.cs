using Coordination.Hosting.Validation;
using System.Security.Cryptography;
using Intake.Reports;
using MimeKit;
using MimeKit.Cryptography;

namespace Intake.Imap;

/// <summary>
/// Turns a message from the security@ mailbox into a report: sender, subject, body, attachments, and the message
/// exactly as received. An encrypted message (PGP/MIME or an inline armored block) is kept as it came, not decrypted.
/// </summary>
public static class EmailReport
{
    public sealed record Parsed(Report Report, IReadOnlyList<ReportAttachment> Attachments, byte[] Raw);

    public static Parsed From(MimeMessage message, byte[] raw, DateTimeOffset receivedAt)
    {
        var id = Guid.NewGuid();
        var sender = message.From.Mailboxes.FirstOrDefault() ?? message.Sender;
        var email = sender?.Address ?? "";
        var name = string.IsNullOrWhiteSpace(sender?.Name) ? email : sender!.Name;
        var key = string.IsNullOrWhiteSpace(message.MessageId) ? RawKey(raw) : TextLimit.Cut(Clean(message.MessageId), MaxMessageId);

        string description;
        bool encrypted;
        var attachments = new List<ReportAttachment>();
        if (message.Body is MultipartEncrypted pgpMime)
        {
            // PGP/MIME: the second part is the armored ciphertext; keep it verbatim.
            encrypted = true;
            description = pgpMime.Count > 1 && pgpMime[1] is MimePart part ? ReadText(part) : "";
        }
        else
        {
            description = message.TextBody ?? message.HtmlBody ?? "";
            encrypted = ReportValidator.IsArmoredPgp(description);
            foreach (var attachment in message.Attachments.OfType<MimePart>())
            {
                using var content = new MemoryStream();
                attachment.Content?.DecodeTo(content);
                attachments.Add(new ReportAttachment(Guid.NewGuid(), id, attachment.FileName is { } file ? TextLimit.Cut(Clean(file), MaxFileName) : null,
                    Clean(attachment.ContentType.MimeType), content.ToArray()));
            }
        }

        var subject = message.Subject is null ? null : TextLimit.Cut(Clean(message.Subject), ReportValidator.MaxSubject);
        var report = new Report(id, "email", TextLimit.Cut(Clean(name), ReportValidator.MaxName), Clean(email), subject, [], Clean(description), encrypted,
            false, null, [], key, receivedAt, null);
        return new Parsed(report, attachments, raw);
    }

    /// <summary>
    /// The report kept when a message could not be parsed or its parsed fields could not be stored: the raw message,
    /// nothing taken from it but a note, so that one odd message neither jams the mailbox nor is lost. The raw message
    /// is also its one attachment, the only way members reach it through the API.
    /// </summary>
    public static Parsed Unparsed(byte[] raw, DateTimeOffset receivedAt)
    {
        var report = new Report(Guid.NewGuid(), "email", "(unknown sender)", "", "(message could not be read)", [],
            "The security mailbox received a message that could not be read; it is attached to this report as it came (message.eml).",
            false, false, null, [], RawKey(raw), receivedAt, null);
        return new Parsed(report, [new ReportAttachment(Guid.NewGuid(), report.Id, "message.eml", "message/rfc822", raw)], raw);
    }

    private const int MaxMessageId = 998; // the longest line RFC 5322 allows
    private const int MaxFileName = 255;

    private static string RawKey(byte[] raw) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw));

    private static string ReadText(MimePart part)
    {
        using var content = new MemoryStream();
        part.Content?.DecodeTo(content);
        return System.Text.Encoding.UTF8.GetString(content.ToArray());
    }

    // PostgreSQL text cannot hold NUL, and Npgsql refuses to encode a lone surrogate; a message carrying either must
    // not jam the mailbox (the raw bytes keep it as it came).
    public static string Clean(string text)
    {
        if (!text.Contains('\0') && !text.Any(char.IsSurrogate)) return text;
        var b = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { b.Append(c).Append(text[++i]); continue; }
            b.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
        }
        return b.ToString();
    }

}

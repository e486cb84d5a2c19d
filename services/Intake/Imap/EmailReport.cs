using Coordination.Hosting.Validation;
using System.Security.Cryptography;
using Intake.Reports;
using Intake.Validation;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Text;

namespace Intake.Imap;

/// <summary>
/// Turns a message from the security@ mailbox into a report: sender, subject, body, attachments, and the message
/// exactly as received. An encrypted message (PGP/MIME, an armored block, or an attached binary or armored OpenPGP
/// message or S/MIME envelope) is kept as it came, flagged encrypted, not decrypted.
/// </summary>
public static partial class EmailReport
{
    /// <param name="Replies">The Message-Ids the mail answers (In-Reply-To, References).</param>
    /// <param name="CaseTag">The case the subject names ([COORD-first 8 hex digits], as the notifier's notices do).</param>
    public sealed record Parsed(Report Report, IReadOnlyList<ReportAttachment> Attachments, byte[] Raw, IReadOnlyList<string> Replies, string? CaseTag);

    /// <summary>The attachment that holds a mailed text longer than a description may be.</summary>
    public const string WholeTextFileName = "description.txt";

    /// <param name="maxDescriptionChars">Intake:MaxDescriptionChars, as for reports over HTTP: a longer text is cut there,
    /// and kept whole as the attachment <see cref="WholeTextFileName"/>.</param>
    public static Parsed From(MimeMessage message, byte[] raw, DateTimeOffset receivedAt, int maxDescriptionChars)
    {
        var id = Guid.NewGuid();
        var sender = message.From.Mailboxes.FirstOrDefault() ?? message.Sender;
        var email = sender?.Address ?? "";
        // A display name holding an address ("rita@example.org" <mallory@evil.example>) would pose as that sender where
        // only the name is shown (GET /reports).
        var name = string.IsNullOrWhiteSpace(sender?.Name) || sender.Name.Contains('@') ? email : sender.Name;
        if (string.IsNullOrWhiteSpace(name)) name = UnknownSender;
        var key = string.IsNullOrWhiteSpace(message.MessageId) ? RawKey(raw) : TextLimit.Cut(Clean(message.MessageId), MaxMessageId);

        string description;
        bool encrypted;
        var attachments = new List<ReportAttachment>();
        var pgpMime = Leaves(message.Body, false).Select(l => l.Part).OfType<MultipartEncrypted>().FirstOrDefault();
        TextPart? body = null;
        if (pgpMime is not null)
        {
            // PGP/MIME, also inside multipart/mixed (a list footer): the second part is the armored ciphertext; keep it verbatim.
            encrypted = true;
            description = pgpMime.Count > 1 && pgpMime[1] is MimePart part ? ReadText(part) : "";
        }
        else
        {
            // A blank plain-text alternative (some clients send one beside the HTML) is no description.
            var plain = message.TextBody;
            (body, description) = !string.IsNullOrWhiteSpace(plain) ? (BodyPart(message, TextFormat.Plain), plain)
                : message.HtmlBody is { } html ? (BodyPart(message, TextFormat.Html), html) : (null, "");
            encrypted = ReportValidator.IsArmoredPgp(description);
        }
        // Every part but the body and its alternatives: an inline screenshot, a PoC sent without Content-Disposition and
        // a forwarded message are the report as much as the text is.
        foreach (var (entity, inAlternative) in Leaves(message.Body, false))
        {
            if (entity == pgpMime) continue;
            // The body by reference: its text differs from the description where MimeKit converted it (format=flowed).
            if (entity == body) continue;
            if (entity is TextPart { IsAttachment: false, FileName: null } text && (inAlternative || text.Text == description)) continue;
            using var content = new MemoryStream();
            if (entity is MessagePart { Message: { } forwarded }) forwarded.WriteTo(content);
            else if (entity is MimePart mimePart) mimePart.Content?.DecodeTo(content);
            else if (entity is MultipartEncrypted another) another.WriteTo(content); // a second PGP/MIME part: kept whole
            var bytes = content.ToArray();
            encrypted |= entity is ApplicationPkcs7Mime { SecureMimeType: SecureMimeType.EnvelopedData or SecureMimeType.AuthEnvelopedData }
                         || entity.ContentType.IsMimeType("application", "pgp-encrypted")
                         || ReportValidator.IsBinaryPgpMessage(bytes)
                         || bytes.Length <= MaxArmorScan && ReportValidator.IsArmoredPgp(System.Text.Encoding.Latin1.GetString(bytes));
            var fileName = entity is MimePart named ? named.FileName : entity.ContentDisposition?.FileName ?? entity.ContentType.Name;
            attachments.Add(new ReportAttachment(Guid.NewGuid(), id, fileName is { } file ? TextLimit.Cut(Line(file), MaxFileName) : null,
                Clean(entity.ContentType.MimeType), bytes));
        }

        if (description.Length > maxDescriptionChars)
        {
            attachments.Add(new ReportAttachment(Guid.NewGuid(), id, WholeTextFileName, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(description)));
            var note = $"\n\n[cut at {maxDescriptionChars} characters: the whole text is the attachment {WholeTextFileName}]";
            description = TextLimit.Cut(description, Math.Max(0, maxDescriptionChars - note.Length)) + note;
        }

        // Nothing taken from a body that is there (a multipart without a boundary, say): the mail itself is the attachment.
        if (string.IsNullOrWhiteSpace(description) && attachments.Count == 0 && message.Body is not null) attachments.Add(Whole(id, raw));

        var subject = message.Subject is null ? null : TextLimit.Cut(Line(message.Subject), ReportValidator.MaxSubject);
        var report = new Report(id, "email", TextLimit.Cut(Line(name), ReportValidator.MaxName), Clean(email), subject, [], Clean(description), encrypted,
            false, null, [], key, receivedAt, null);
        string[] replies = [.. message.References, .. message.InReplyTo is { } inReplyTo ? [inReplyTo] : Array.Empty<string>()];
        var tag = subject is null ? null : CaseTag().Match(subject) is { Success: true } m ? m.Groups[1].Value.ToLowerInvariant() : null;
        return new Parsed(report, attachments, raw, replies.Select(Clean).Distinct().ToList(), tag);
    }

    /// <summary>
    /// The report kept when a message could not be parsed or its parsed fields could not be stored: the raw message,
    /// nothing taken from it but a note, so that one odd message neither jams the mailbox nor is lost. The raw message
    /// is also its one attachment, the only way members reach it through the API.
    /// </summary>
    public static Parsed Unparsed(byte[] raw, DateTimeOffset receivedAt)
    {
        var report = new Report(Guid.NewGuid(), "email", UnknownSender, "", "(message could not be read)", [],
            "The security mailbox received a message that could not be read; it is attached to this report as it came (message.eml).",
            false, false, null, [], RawKey(raw), receivedAt, null);
        return new Parsed(report, [Whole(report.Id, raw)], raw, [], null);
    }

    private static ReportAttachment Whole(Guid reportId, byte[] raw) => new(Guid.NewGuid(), reportId, "message.eml", "message/rfc822", raw);

    /// <summary>The key of a mail that reuses the Message-Id of another: the Message-Id and a hash of the mail.</summary>
    public static string DistinctKey(Parsed parsed) => $"{parsed.Report.MessageId} {RawKey(parsed.Raw)}";

    private const string UnknownSender = "(unknown sender)";
    private const int MaxMessageId = 998; // the longest line RFC 5322 allows
    private const int MaxFileName = 255;

    private const int MaxArmorScan = 1 << 20;

    [System.Text.RegularExpressions.GeneratedRegex(@"\[COORD-([0-9a-fA-F]{8})\]")]
    private static partial System.Text.RegularExpressions.Regex CaseTag();

    /// <summary>The part MimeKit's TextBody or HtmlBody is read from.</summary>
    private static TextPart? BodyPart(MimeMessage message, TextFormat format) => message.Body switch
    {
        Multipart multipart => multipart.TryGetValue(format, out var part) ? part : null,
        TextPart part when (format == TextFormat.Html ? part.IsHtml : part.IsPlain) && !part.IsAttachment => part,
        _ => null,
    };

    /// <summary>The parts of a body that are not multiparts; a PGP/MIME multipart counts as one part.</summary>
    private static IEnumerable<(MimeEntity Part, bool InAlternative)> Leaves(MimeEntity? entity, bool inAlternative)
    {
        if (entity is Multipart multipart and not MultipartEncrypted)
        {
            foreach (var child in multipart)
                foreach (var leaf in Leaves(child, inAlternative || multipart is MultipartAlternative))
                    yield return leaf;
        }
        else if (entity is not null) yield return (entity, inAlternative);
    }

    private static string RawKey(byte[] raw) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw));

    private static string ReadText(MimePart part)
    {
        using var content = new MemoryStream();
        part.Content?.DecodeTo(content);
        return System.Text.Encoding.UTF8.GetString(content.ToArray());
    }

    private static string Line(string text) => Clean(OneLineText.Strip(text));

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

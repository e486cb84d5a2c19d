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
        var key = string.IsNullOrWhiteSpace(message.MessageId)
            ? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw))
            : message.MessageId;

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
                attachments.Add(new ReportAttachment(Guid.NewGuid(), id, attachment.FileName, attachment.ContentType.MimeType, content.ToArray()));
            }
        }

        var subject = message.Subject is null ? null : Truncate(Clean(message.Subject), ReportValidator.MaxSubject);
        var report = new Report(id, "email", Truncate(Clean(name), ReportValidator.MaxName), Clean(email), subject, [], Clean(description), encrypted,
            false, null, [], key, receivedAt, null);
        return new Parsed(report, attachments, raw);
    }

    private static string ReadText(MimePart part)
    {
        using var content = new MemoryStream();
        part.Content?.DecodeTo(content);
        return System.Text.Encoding.UTF8.GetString(content.ToArray());
    }

    // PostgreSQL text cannot hold NUL; a message carrying one must not jam the mailbox (the raw bytes keep it).
    private static string Clean(string text) => text.Replace("\0", "", StringComparison.Ordinal);

    private static string Truncate(string text, int max) => text.Length > max ? text[..max] : text;
}

using MimeKit;

namespace Coordination.EndToEnd;

/// <summary>The mails the sink kept, read as a recipient would.</summary>
public sealed record SunkMail(string File, MimeMessage Message, IReadOnlyList<string> Recipients)
{
    public string Subject => Message.Subject ?? "";
    public bool IsEncrypted => Message.Body is MimeKit.Cryptography.MultipartEncrypted;

    public static IReadOnlyList<SunkMail> All(MailSink.MailSinkServer sink) => sink.Messages().Select(Load).ToList();

    public static SunkMail Load(string file)
    {
        var message = MimeMessage.Load(file);
        var recipients = message.Headers.Where(h => h.Field == "X-MailSink-Rcpt").Select(h => h.Value.Trim()).ToList();
        return new SunkMail(file, message, recipients);
    }

    /// <summary>The encrypted part as gpg reads it.</summary>
    public byte[] EncryptedPayload()
    {
        var encrypted = (MimeKit.Cryptography.MultipartEncrypted)Message.Body!;
        using var stream = new MemoryStream();
        var part = (MimePart)encrypted[1];
        part.Content!.DecodeTo(stream);
        return stream.ToArray();
    }
}

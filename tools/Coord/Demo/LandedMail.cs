using MimeKit;
using MimeKit.Cryptography;

namespace Coord.Demo;

/// <summary>One message in the mail sink.</summary>
public sealed record LandedMail(string FileName, string FullPath, string To, string Subject, MimeMessage Message)
{
    public bool Encrypted => Message.Body is MultipartEncrypted;

    /// <summary>The ASCII-armored OpenPGP message of a PGP/MIME encrypted mail (its second part).</summary>
    public string? ArmoredPayload()
    {
        if (Message.Body is not MultipartEncrypted encrypted || encrypted.Count < 2 || encrypted[1] is not MimePart part) return null;
        using var stream = new MemoryStream();
        part.Content?.DecodeTo(stream);
        return System.Text.Encoding.ASCII.GetString(stream.ToArray());
    }

    public string PlainText => Message.TextBody ?? "";

    /// <summary>The text of a decrypted MIME entity (what gpg gives back for PGP/MIME).</summary>
    public static string TextOf(string decryptedMime)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(decryptedMime));
        var entity = MimeEntity.Load(stream);
        return entity switch
        {
            TextPart t => t.Text,
            Multipart m => m.OfType<TextPart>().FirstOrDefault()?.Text ?? decryptedMime,
            _ => decryptedMime,
        };
    }
}

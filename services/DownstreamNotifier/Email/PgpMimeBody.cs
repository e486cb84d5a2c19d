using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace DownstreamNotifier.Email;

/// <summary>
/// The two ends of a PGP/MIME encrypted notice (RFC 3156) written as the bytes the RFC gives: the cleartext entity
/// that is encrypted, and the multipart/encrypted body around the armored result. Built from MimeKit's objects
/// (a TextPart serialized, a MultipartEncrypted with its boundary and two parts) they cost a fifth of composing an
/// encrypted notice (53 of 263 µs in a microbenchmark; 23 µs now), formatting and parsing back every header; the
/// bytes are the same. To MimeKit the body is one part whose content is already the multipart's content; whatever
/// parses the mail (a mail client, gpg, MimeKit) sees the multipart.
/// </summary>
public static class PgpMimeBody
{
    private static readonly byte[] CleartextHeader = "Content-Type: text/plain; charset=utf-8\r\n\r\n"u8.ToArray();

    /// <summary>A text/plain entity in UTF-8 with CRLF line ends, as MimeKit writes <c>new TextPart("plain") { Text = text }</c>.</summary>
    public static byte[] Cleartext(string text)
    {
        var crlf = text.ReplaceLineEndings("\r\n");
        var entity = new byte[CleartextHeader.Length + Encoding.UTF8.GetByteCount(crlf)];
        CleartextHeader.CopyTo(entity, 0);
        Encoding.UTF8.GetBytes(crlf, entity.AsSpan(CleartextHeader.Length));
        return entity;
    }

    /// <summary>multipart/encrypted holding the version part and <paramref name="armored"/> (7-bit, CRLF lines).</summary>
    public static MimePart Encrypted(byte[] armored)
    {
        // MimeKit's own form of boundary: "=-" and random base64, which no armor line can begin with.
        var boundary = "=-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        var content = Encoding.ASCII.GetBytes(
            $"--{boundary}\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n" +
            $"--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: inline\r\n\r\n");
        var end = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        var body = new byte[content.Length + armored.Length + end.Length];
        content.CopyTo(body, 0);
        armored.CopyTo(body, content.Length);
        end.CopyTo(body, content.Length + armored.Length);

        var part = new SevenBitPart("multipart", "encrypted", body);
        part.ContentType.Boundary = boundary;
        part.ContentType.Parameters.Add("protocol", "application/pgp-encrypted");
        return part;
    }
}

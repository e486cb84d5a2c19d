using MimeKit;

namespace DownstreamNotifier.Email;

/// <summary>
/// A part whose content is already 7-bit text in short CRLF lines (what <see cref="PgpMimeBody"/> writes around an
/// ASCII-armored OpenPGP message), sent as it is. A plain MimePart would be encoded again when the message is prepared
/// for sending (base64 for an application type, a third larger).
/// </summary>
public sealed class SevenBitPart : MimePart
{
    public SevenBitPart(string mediaType, string mediaSubtype, byte[] content) : base(mediaType, mediaSubtype)
    {
        ContentTransferEncoding = ContentEncoding.SevenBit;
        Content = new MimeContent(new MemoryStream(content, writable: false));
    }

    public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78) { }
}

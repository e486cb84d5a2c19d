using MimeKit;

namespace DownstreamNotifier.Email;

/// <summary>
/// A part whose content is already 7-bit text in short CRLF lines (an ASCII-armored OpenPGP message), sent as it is.
/// A plain MimePart of an application type would be base64-encoded again when the message is prepared for sending,
/// a third larger; multipart/signed keeps its parts from being re-encoded the same way.
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

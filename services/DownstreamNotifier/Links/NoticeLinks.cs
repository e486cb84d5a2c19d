using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace DownstreamNotifier.Links;

/// <summary>
/// Per-recipient acknowledgement tokens: case id, contact id, expiry and the contact's link generation, with an
/// HMAC-SHA256 over them under "Notifier:LinkKey". Nothing is stored: a token that verifies is genuine, one that does
/// not is refused. (A genuine one is honoured only while its contact exists with that link generation, i.e. has not
/// been readdressed since, and a notice to it about the case is on record: see NoticeLinksApi.)
/// Tokens of the first format (no generation, 40 bytes before the MAC) are still read, as generation 0: links already
/// mailed keep working until their contact is readdressed. The two formats differ in length, so neither's MAC can
/// stand for the other's.
/// </summary>
public sealed class NoticeLinks(IOptions<NotifierOptions> options)
{
    private const int FirstPayloadLength = 16 + 16 + 8;
    private const int PayloadLength = FirstPayloadLength + 4;
    private const int MacLength = 32;
    private readonly byte[] key = options.Value.LinkKeyBytes();
    private readonly string baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');
    private readonly int validDays = options.Value.LinkValidDays;

    public DateTimeOffset ExpiryFor(DateTimeOffset disclosureAt) => disclosureAt.AddDays(validDays);

    public string Token(Guid caseId, Guid contactId, int linkGeneration, DateTimeOffset expiresAt)
    {
        var buffer = new byte[PayloadLength + MacLength];
        caseId.TryWriteBytes(buffer.AsSpan(0, 16));
        contactId.TryWriteBytes(buffer.AsSpan(16, 16));
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(32, 8), expiresAt.ToUnixTimeSeconds());
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(40, 4), linkGeneration);
        HMACSHA256.HashData(key, buffer.AsSpan(0, PayloadLength), buffer.AsSpan(PayloadLength));
        return Base64UrlEncode(buffer);
    }

    public string Url(Guid caseId, Guid contactId, int linkGeneration, DateTimeOffset disclosureAt) =>
        $"{baseUrl}/notices/{Token(caseId, contactId, linkGeneration, ExpiryFor(disclosureAt))}";

    public LinkCheck Check(string token)
    {
        var bytes = Base64UrlDecode(token);
        var payloadLength = bytes?.Length - MacLength;
        if (bytes is null || payloadLength is not (FirstPayloadLength or PayloadLength)) return LinkCheck.Invalid;
        var payload = bytes.AsSpan(0, payloadLength.Value);
        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(key, payload, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes.AsSpan(payloadLength.Value))) return LinkCheck.Invalid;
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.Slice(32, 8)));
        var generation = payload.Length == PayloadLength ? BinaryPrimitives.ReadInt32BigEndian(payload.Slice(40, 4)) : 0;
        return new LinkCheck(true, new Guid(payload[..16]), new Guid(payload.Slice(16, 16)), generation, expires);
    }

    private static readonly System.Buffers.SearchValues<char> UrlSafe =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? Base64UrlDecode(string text)
    {
        // Only the alphabet tokens are written in: Convert would also take whitespace, '+' and '/', so a token written
        // differently would open the same notice.
        if (text.Length is 0 or > 200 || text.AsSpan().ContainsAnyExcept(UrlSafe)) return null;
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        byte[] bytes;
        try { bytes = Convert.FromBase64String(s); }
        catch (FormatException) { return null; }
        // The last character's unused low bits are ignored when decoding: 16 spellings of one token would open the notice.
        return Base64UrlEncode(bytes) == text ? bytes : null;
    }
}

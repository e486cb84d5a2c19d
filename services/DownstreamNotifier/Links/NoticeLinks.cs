using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace DownstreamNotifier.Links;

/// <summary>
/// Per-recipient acknowledgement tokens: case id, contact id and expiry, with an HMAC-SHA256 over them under
/// "Notifier:LinkKey". Nothing is stored: a token that verifies is genuine, one that does not is refused. (A genuine one
/// is honoured only while its contact exists and a notice to it about the case is on record: see NoticeLinksApi.)
/// </summary>
public sealed class NoticeLinks(IOptions<NotifierOptions> options)
{
    private const int PayloadLength = 16 + 16 + 8;
    private readonly byte[] key = options.Value.LinkKeyBytes();
    private readonly string baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');
    private readonly int validDays = options.Value.LinkValidDays;

    public DateTimeOffset ExpiryFor(DateTimeOffset disclosureAt) => disclosureAt.AddDays(validDays);

    public string Token(Guid caseId, Guid contactId, DateTimeOffset expiresAt)
    {
        var buffer = new byte[PayloadLength + 32];
        caseId.TryWriteBytes(buffer.AsSpan(0, 16));
        contactId.TryWriteBytes(buffer.AsSpan(16, 16));
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(32, 8), expiresAt.ToUnixTimeSeconds());
        HMACSHA256.HashData(key, buffer.AsSpan(0, PayloadLength), buffer.AsSpan(PayloadLength));
        return Base64UrlEncode(buffer);
    }

    public string Url(Guid caseId, Guid contactId, DateTimeOffset disclosureAt) =>
        $"{baseUrl}/notices/{Token(caseId, contactId, ExpiryFor(disclosureAt))}";

    public LinkCheck Check(string token)
    {
        var bytes = Base64UrlDecode(token);
        if (bytes is null || bytes.Length != PayloadLength + 32) return LinkCheck.Invalid;
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, bytes.AsSpan(0, PayloadLength), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes.AsSpan(PayloadLength))) return LinkCheck.Invalid;
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(32, 8)));
        var caseId = new Guid(bytes.AsSpan(0, 16));
        var contactId = new Guid(bytes.AsSpan(16, 16));
        return new LinkCheck(true, caseId, contactId, expires);
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
        try { return Convert.FromBase64String(s); }
        catch (FormatException) { return null; }
    }
}

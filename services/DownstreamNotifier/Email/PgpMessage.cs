using System.Buffers.Binary;
using System.Buffers.Text;
using System.Numerics;
using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using X25519 = Geralt.X25519;

namespace DownstreamNotifier.Email;

/// <summary>
/// An ASCII-armored OpenPGP message (RFC 4880) encrypted to one RSA or Curve25519 ECDH key: a public-key encrypted
/// session key packet, then a symmetrically encrypted and integrity protected data packet (AES-256, MDC) holding the
/// literal data: what MimeKit's OpenPgpContext writes through BouncyCastle, less the compression (optional, RFC 9580;
/// setting up zlib for a notice of a couple of kB cost more than encrypting it). Built here because that path cost
/// the notifier more than half its CPU in a fan-out: BouncyCastle's managed RSA spent about a millisecond per message
/// (most of it converting the padded session key into Montgomery form by a bit-by-bit division), and its
/// byte-at-a-time streams (armor, CRC, cipher) much of the rest. RSA, AES and SHA come from .NET (OpenSSL), X25519
/// from libsodium (Geralt: ~55 µs a message against BouncyCastle's ~165); the AES key wrap and the team's signature
/// stay with BouncyCastle.
/// </summary>
public static class PgpMessage
{
    private const byte Aes256 = 9;
    private static readonly SecureRandom Random = new();

    /// <param name="key">a key with <see cref="RecipientKey.HasOwnEnvelope"/>.</param>
    /// <param name="signer">the team's key, to sign the content with inside the encryption (one-pass signature).</param>
    public static byte[] EncryptArmored(RecipientKey key, ReadOnlySpan<byte> content, DateTimeOffset now, TeamSigner? signer = null)
    {
        var sessionKey = RandomNumberGenerator.GetBytes(32);
        var sessionInfo = SessionInfo(sessionKey);
        var literal = LiteralPacket(content, now);
        using var packets = new MemoryStream(content.Length + 1024);
        WritePacket(packets, 1, SessionKeyPacket(key, sessionInfo));
        WritePacket(packets, 18, EncryptedDataPacket(sessionKey, signer is null ? literal : Signed(signer, literal, content, now)));
        CryptographicOperations.ZeroMemory(sessionKey);
        CryptographicOperations.ZeroMemory(sessionInfo);
        return Armor(packets.GetBuffer().AsSpan(0, (int)packets.Length));
    }

    // The cipher id, the session key, and the two-octet sum of the key's octets.
    private static byte[] SessionInfo(byte[] sessionKey)
    {
        var m = new byte[1 + sessionKey.Length + 2];
        m[0] = Aes256;
        sessionKey.CopyTo(m, 1);
        var checksum = 0;
        foreach (var b in sessionKey) checksum += b;
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(1 + sessionKey.Length), (ushort)checksum);
        return m;
    }

    // Version 3, the key id, the algorithm, then the algorithm's encryption of the session info.
    private static byte[] SessionKeyPacket(RecipientKey key, byte[] sessionInfo)
    {
        var body = new MemoryStream(600);
        body.WriteByte(3);
        Span<byte> id = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(id, key.KeyId);
        body.Write(id);
        body.WriteByte(key.Algorithm);
        if (key.Rsa is { } rsa) WriteMpi(body, rsa.Encrypt(sessionInfo, RSAEncryptionPadding.Pkcs1));
        else WriteCurve25519(body, key.Curve25519 ?? throw new ArgumentException("no envelope for this key", nameof(key)), sessionInfo);
        return body.ToArray();
    }

    // RFC 6637: an ephemeral key pair, its shared secret with the recipient's point, a key-encryption key derived from
    // that secret, and the session info padded to whole 8-octet blocks (at least 40 octets) and AES-key-wrapped in it.
    private static void WriteCurve25519(Stream body, Curve25519Ecdh recipient, byte[] sessionInfo)
    {
        Span<byte> secret = stackalloc byte[X25519.PrivateKeySize];
        Span<byte> shared = stackalloc byte[X25519.SharedSecretSize];
        var ephemeral = new byte[1 + X25519.PublicKeySize];
        ephemeral[0] = 0x40;
        try
        {
            X25519.GenerateKeyPair(ephemeral.AsSpan(1), secret);
            X25519.ComputeSharedSecret(shared, secret, recipient.Point);
        }
        catch (CryptographicException)
        {
            throw new NoticeKeyException("the contact's Curve25519 key is not usable"); // a point of low order
        }
        finally
        {
            secret.Clear();
        }

        var kdfInput = new byte[4 + shared.Length + recipient.KdfParam.Length];
        kdfInput[3] = 1;
        shared.CopyTo(kdfInput.AsSpan(4));
        recipient.KdfParam.CopyTo(kdfInput, 4 + shared.Length);
        shared.Clear();
        var kek = CryptographicOperations.HashData(recipient.KdfHash, kdfInput)[..recipient.KekBytes];
        CryptographicOperations.ZeroMemory(kdfInput);

        var padded = Math.Max(40, (sessionInfo.Length / 8 + 1) * 8);
        var m = new byte[padded];
        sessionInfo.CopyTo(m, 0);
        m.AsSpan(sessionInfo.Length).Fill((byte)(padded - sessionInfo.Length));
        var wrap = new Rfc3394WrapEngine(new AesEngine());
        wrap.Init(true, new KeyParameter(kek));
        var wrapped = wrap.Wrap(m, 0, m.Length);
        CryptographicOperations.ZeroMemory(m);
        CryptographicOperations.ZeroMemory(kek);

        WriteMpi(body, ephemeral);
        body.WriteByte((byte)wrapped.Length);
        body.Write(wrapped);
    }

    // Version 1; AES-256 in CFB mode with a zero IV over: 16 random bytes, their last two again, the data, and the
    // modification detection code (a packet holding the SHA-1 of everything before it, its own header included).
    private static byte[] EncryptedDataPacket(byte[] sessionKey, byte[] data)
    {
        var plainLength = 18 + data.Length + 22;
        var plain = new byte[(plainLength + 15) / 16 * 16]; // CFB is a stream mode; .NET wants whole blocks
        RandomNumberGenerator.Fill(plain.AsSpan(0, 16));
        plain[16] = plain[14];
        plain[17] = plain[15];
        data.CopyTo(plain, 18);
        plain[18 + data.Length] = 0xD3;
        plain[19 + data.Length] = 0x14;
        SHA1.HashData(plain.AsSpan(0, 20 + data.Length), plain.AsSpan(20 + data.Length, 20));

        using var aes = Aes.Create();
        aes.Key = sessionKey;
        var cipher = aes.EncryptCfb(plain, new byte[16], PaddingMode.None, feedbackSizeInBits: 128);
        var body = new byte[1 + plainLength];
        body[0] = 1;
        cipher.AsSpan(0, plainLength).CopyTo(body.AsSpan(1));
        return body;
    }

    // A one-pass signature packet, the literal data packet, then the signature (SHA-256, over the content as binary).
    private static byte[] Signed(TeamSigner signer, byte[] literal, ReadOnlySpan<byte> content, DateTimeOffset now)
    {
        var generator = new PgpSignatureGenerator(signer.Algorithm, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.BinaryDocument, signer.Key, Random);
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, now.UtcDateTime);
        hashed.SetIssuerFingerprint(false, signer.PublicKey);
        generator.SetHashedSubpackets(hashed.Generate());
        var unhashed = new PgpSignatureSubpacketGenerator();
        unhashed.SetIssuerKeyID(false, signer.PublicKey.KeyId);
        generator.SetUnhashedSubpackets(unhashed.Generate());

        using var packets = new MemoryStream(literal.Length + 512);
        generator.GenerateOnePassVersion(false).Encode(packets);
        packets.Write(literal);
        generator.Update(content);
        generator.Generate().Encode(packets);
        return packets.ToArray();
    }

    // Binary, no file name, the time it was written.
    private static byte[] LiteralPacket(ReadOnlySpan<byte> content, DateTimeOffset now)
    {
        var body = new byte[6 + content.Length];
        body[0] = (byte)'b';
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(2), (uint)now.ToUnixTimeSeconds());
        content.CopyTo(body.AsSpan(6));
        var packet = new MemoryStream(body.Length + 6);
        WritePacket(packet, 11, body);
        return packet.ToArray();
    }

    // A new-format packet header: the tag, then a one-, two- or five-octet length.
    private static void WritePacket(Stream output, int tag, ReadOnlySpan<byte> body)
    {
        output.WriteByte((byte)(0xC0 | tag));
        var length = body.Length;
        if (length < 192) output.WriteByte((byte)length);
        else if (length < 8384)
        {
            output.WriteByte((byte)(((length - 192) >> 8) + 192));
            output.WriteByte((byte)(length - 192));
        }
        else
        {
            Span<byte> five = stackalloc byte[5];
            five[0] = 0xFF;
            BinaryPrimitives.WriteInt32BigEndian(five[1..], length);
            output.Write(five);
        }
        output.Write(body);
    }

    // A multiprecision integer: its length in bits, then its big-endian octets without leading zeros.
    private static void WriteMpi(Stream output, ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0) start++;
        var bits = (value.Length - start - 1) * 8 + (32 - BitOperations.LeadingZeroCount((uint)value[start]));
        output.WriteByte((byte)(bits >> 8));
        output.WriteByte((byte)bits);
        output.Write(value[start..]);
    }

    // Written straight into bytes, 48 octets (64 characters) a line: through a StringBuilder, a string and an encoder
    // the armor cost a third of the encryption's own CPU.
    private static byte[] Armor(ReadOnlySpan<byte> binary)
    {
        ReadOnlySpan<byte> head = "-----BEGIN PGP MESSAGE-----\r\n\r\n"u8;
        ReadOnlySpan<byte> tail = "-----END PGP MESSAGE-----\r\n"u8;
        var lines = (binary.Length + 47) / 48;
        var armored = new byte[head.Length + Base64.GetMaxEncodedToUtf8Length(binary.Length) + 2 * lines + "=XXXX\r\n".Length + tail.Length];
        head.CopyTo(armored);
        var at = head.Length;
        for (var i = 0; i < binary.Length; i += 48)
        {
            Base64.EncodeToUtf8(binary.Slice(i, Math.Min(48, binary.Length - i)), armored.AsSpan(at), out _, out var written);
            at += written;
            at += WriteCrlf(armored, at);
        }
        var crc = Crc24(binary);
        armored[at++] = (byte)'=';
        Base64.EncodeToUtf8([(byte)(crc >> 16), (byte)(crc >> 8), (byte)crc], armored.AsSpan(at), out _, out var crcWritten);
        at += crcWritten;
        at += WriteCrlf(armored, at);
        tail.CopyTo(armored.AsSpan(at));
        return armored;
    }

    private static int WriteCrlf(byte[] output, int at)
    {
        output[at] = (byte)'\r';
        output[at + 1] = (byte)'\n';
        return 2;
    }

    // RFC 4880 section 6.1, a byte at a time through a table.
    private static readonly int[] Crc24Table = Enumerable.Range(0, 256).Select(i =>
    {
        var crc = i << 16;
        for (var bit = 0; bit < 8; bit++) crc = (crc << 1) ^ ((crc & 0x800000) != 0 ? 0x1864CFB : 0);
        return crc & 0xFFFFFF;
    }).ToArray();

    private static int Crc24(ReadOnlySpan<byte> data)
    {
        var crc = 0xB704CE;
        foreach (var b in data) crc = ((crc << 8) ^ Crc24Table[((crc >> 16) ^ b) & 0xFF]) & 0xFFFFFF;
        return crc;
    }
}

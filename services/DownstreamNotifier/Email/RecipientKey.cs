using System.Security.Cryptography;
using DownstreamNotifier.Keys;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Parameters;
using X25519 = Geralt.X25519;

namespace DownstreamNotifier.Email;

/// <summary>
/// A contact's checked key as the composer caches it, with what <see cref="PgpMessage"/> needs to encrypt to it:
/// .NET's RSA object for an RSA key, or the point and key-derivation parameters of a Curve25519 ECDH key.
/// Keys of other algorithms have neither, and go through MimeKit and BouncyCastle.
/// </summary>
public sealed class RecipientKey
{
    private RecipientKey(KeyCheck check) => Check = check;

    public KeyCheck Check { get; }
    public long KeyId => Check.EncryptionKey.KeyId;
    public byte Algorithm => (byte)Check.EncryptionKey.Algorithm;
    public RSA? Rsa { get; private init; }
    public Curve25519Ecdh? Curve25519 { get; private init; }
    public bool HasOwnEnvelope => Rsa is not null || Curve25519 is not null;

    public static RecipientKey From(KeyCheck check)
    {
        var key = check.EncryptionKey;
        if (key.Algorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt)
        {
            var p = (RsaKeyParameters)key.GetKey();
            return new RecipientKey(check) { Rsa = RSA.Create(new RSAParameters { Modulus = p.Modulus.ToByteArrayUnsigned(), Exponent = p.Exponent.ToByteArrayUnsigned() }) };
        }
        if (key.Algorithm == PublicKeyAlgorithmTag.ECDH && key.PublicKeyPacket.Key is ECDHPublicBcpgKey ecdh
            && ecdh.CurveOid.Equals(Curve25519Ecdh.CurveOid) && Curve25519Ecdh.From(key, ecdh) is { } curve)
            return new RecipientKey(check) { Curve25519 = curve };
        return new RecipientKey(check);
    }
}

/// <summary>
/// A Curve25519 ECDH encryption key (RFC 6637 with the Curve25519 point format of RFC 4880bis): its point, and the
/// fixed part of the key-derivation input (curve OID, algorithm, KDF parameters, "Anonymous Sender", fingerprint).
/// </summary>
public sealed record Curve25519Ecdh(byte[] Point, byte[] KdfParam, HashAlgorithmName KdfHash, int KekBytes)
{
    /// <summary>Curve25519 as OpenPGP names it (BouncyCastle's own constant for it is internal).</summary>
    public static readonly DerObjectIdentifier CurveOid = new("1.3.6.1.4.1.3029.1.5.1");

    public static Curve25519Ecdh? From(PgpPublicKey key, ECDHPublicBcpgKey ecdh)
    {
        if (NativePoint(ecdh) is not { } point) return null;
        HashAlgorithmName? hash = ecdh.HashAlgorithm switch
        {
            HashAlgorithmTag.Sha256 => HashAlgorithmName.SHA256,
            HashAlgorithmTag.Sha384 => HashAlgorithmName.SHA384,
            HashAlgorithmTag.Sha512 => HashAlgorithmName.SHA512,
            _ => null,
        };
        int? kek = ecdh.SymmetricKeyAlgorithm switch
        {
            SymmetricKeyAlgorithmTag.Aes128 => 16,
            SymmetricKeyAlgorithmTag.Aes192 => 24,
            SymmetricKeyAlgorithmTag.Aes256 => 32,
            _ => null,
        };
        if (hash is null || kek is null) return null;

        using var param = new MemoryStream();
        param.Write(ecdh.CurveOid.GetEncoded().AsSpan(1)); // the OID's length and content, without the DER tag
        param.WriteByte((byte)PublicKeyAlgorithmTag.ECDH);
        param.Write([3, 1, (byte)ecdh.HashAlgorithm, (byte)ecdh.SymmetricKeyAlgorithm]);
        param.Write("Anonymous Sender    "u8);
        param.Write(key.GetFingerprint());
        return new Curve25519Ecdh(point, param.ToArray(), hash.Value, kek.Value);
    }

    /// <summary>The point's 32 octets when it is in the native form (0x40, then the octets), else null.</summary>
    public static byte[]? NativePoint(ECDHPublicBcpgKey ecdh)
    {
        var encoded = ecdh.EncodedPoint.ToByteArrayUnsigned();
        return encoded.Length == 33 && encoded[0] == 0x40 ? encoded[1..] : null;
    }

    /// <summary>False for a point of low order, with which every shared secret is zero (libsodium refuses it).</summary>
    public static bool IsSound(ReadOnlySpan<byte> point)
    {
        Span<byte> secret = stackalloc byte[X25519.PrivateKeySize];
        Span<byte> ephemeral = stackalloc byte[X25519.PublicKeySize];
        Span<byte> shared = stackalloc byte[X25519.SharedSecretSize];
        try
        {
            X25519.GenerateKeyPair(ephemeral, secret);
            X25519.ComputeSharedSecret(shared, secret, point);
            return true;
        }
        catch (CryptographicException) { return false; }
        finally
        {
            secret.Clear();
            shared.Clear();
        }
    }
}

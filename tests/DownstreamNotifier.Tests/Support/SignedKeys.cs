using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace DownstreamNotifier.Tests.Support;

/// <summary>
/// OpenPGP keys built with BouncyCastle for the key checks: a signing primary key with a self-certified user ID, and
/// encryption subkeys of any content (a low-order point, a prime modulus) bound to it by a signature, made by the
/// primary key or forged by another key under the primary's key ID.
/// </summary>
public static class SignedKeys
{
    private static readonly SecureRandom Random = new();

    /// <summary>An RSA signing key (1,024 bits: quick to make; its size is not what is tested).</summary>
    public static PgpKeyPair NewPrimary(DateTime createdAt)
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), Random, 1024, 12));
        return new PgpKeyPair(PublicKeyAlgorithmTag.RsaSign, generator.GenerateKeyPair(), createdAt);
    }

    public static PgpPublicKey RsaSubkey(BigInteger modulus, DateTime createdAt) =>
        new(new PublicSubkeyPacket(PublicKeyPacket.Version4, PublicKeyAlgorithmTag.RsaGeneral, createdAt, new RsaPublicBcpgKey(modulus, BigInteger.ValueOf(65537))));

    public static PgpPublicKey Curve25519Subkey(byte[] point, DateTime createdAt)
    {
        var key = new PgpPublicKey(PublicKeyAlgorithmTag.ECDH, new X25519PublicKeyParameters(point), createdAt);
        return new PgpPublicKey(new PublicSubkeyPacket(PublicKeyPacket.Version4, PublicKeyAlgorithmTag.ECDH, createdAt, key.PublicKeyPacket.Key));
    }

    /// <summary>A composite modulus of about 1,040 bits.</summary>
    public static BigInteger CompositeModulus() => BigInteger.ProbablePrime(520, Random).Multiply(BigInteger.ProbablePrime(520, Random));

    public static BigInteger PrimeModulus() => BigInteger.ProbablePrime(1030, Random);

    /// <param name="subkeys">each subkey with the key that signs its binding: the primary, or a forger (whose signature
    /// names the primary's key ID, as a forgery would).</param>
    public static string Armored(PgpKeyPair primary, params (PgpPublicKey Subkey, PgpKeyPair Binder)[] subkeys) =>
        ArmoredWithSubpacket(primary, null, subkeys);

    /// <param name="extra">a hashed subpacket added to every signature made (e.g. a malformed one).</param>
    public static string ArmoredWithSubpacket(PgpKeyPair primary, SignatureSubpacket? extra, params (PgpPublicKey Subkey, PgpKeyPair Binder)[] subkeys)
    {
        const string userId = "Contact <contact@example.org>";
        var certification = Signature(primary, PgpSignature.PositiveCertification, PgpKeyFlags.CanSign | PgpKeyFlags.CanCertify, extra)
            .GenerateCertification(userId, primary.PublicKey);
        using var ring = new MemoryStream();
        PgpPublicKey.AddCertification(primary.PublicKey, userId, certification).Encode(ring);
        foreach (var (subkey, binder) in subkeys)
        {
            var binding = Signature(binder == primary ? primary : Impersonating(binder, primary), PgpSignature.SubkeyBinding, PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage, extra)
                .GenerateCertification(primary.PublicKey, subkey);
            PgpPublicKey.AddCertification(subkey, binding).Encode(ring);
        }
        using var output = new MemoryStream();
        using (var armor = new ArmoredOutputStream(output)) new PgpPublicKeyRing(ring.ToArray()).Encode(armor);
        return Encoding.ASCII.GetString(output.ToArray());
    }

    /// <summary>The primary's public key with the forger's private key: signatures that name the primary's key ID.</summary>
    public static PgpKeyPair Impersonating(PgpKeyPair forger, PgpKeyPair primary) =>
        new(primary.PublicKey, new PgpPrivateKey(primary.KeyId, primary.PublicKey.PublicKeyPacket, forger.PrivateKey.Key));

    private static PgpSignatureGenerator Signature(PgpKeyPair signer, int type, int keyFlags, SignatureSubpacket? extra)
    {
        var generator = new PgpSignatureGenerator(signer.PublicKey.Algorithm, HashAlgorithmTag.Sha256);
        generator.InitSign(type, signer.PrivateKey, Random);
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetKeyFlags(false, keyFlags);
        if (extra is not null) hashed.AddCustomSubpacket(extra);
        generator.SetHashedSubpackets(hashed.Generate());
        return generator;
    }
}

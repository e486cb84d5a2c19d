using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using DownstreamNotifier.Email;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Parameters;

namespace DownstreamNotifier.Keys;

/// <summary>
/// Checks an ASCII-armored public key once, where it is accepted: it parses, its primary key is neither
/// revoked nor expired, and it has a usable encryption (sub)key; what the key may do and until when is read from the
/// signatures its primary key made, verified (<see cref="SelfSignatures"/>). RSA moduli are checked here (odd,
/// composite), because sending skips BouncyCastle's per-use Miller-Rabin re-check (see DownstreamNotifierExtensions);
/// so are Curve25519 points (not of low order).
/// </summary>
public static class OpenPgpKeyInspector
{
    /// <summary>The check made where a key is uploaded or imported.</summary>
    public static bool TryCheck(string armored, DateTimeOffset now, [NotNullWhen(true)] out KeyCheck? key, out string error)
    {
        if (TextAfterArmor(armored) is not { } why) return TryCheck(armored, now, testModulus: true, out key, out error);
        (key, error) = (null, why);
        return false;
    }

    // GetDecoderStream reads the first armor block only: a key in a second one (cat a.asc b.asc) would be dropped unseen.
    private static string? TextAfterArmor(string armored)
    {
        var end = armored.IndexOf("-----END PGP ", StringComparison.Ordinal);
        var endLineEnd = end < 0 ? -1 : armored.IndexOf("-----", end + 5, StringComparison.Ordinal);
        if (endLineEnd < 0 || armored.AsSpan(endLineEnd + 5).IsWhiteSpace()) return null;
        return armored.IndexOf("-----BEGIN PGP ", endLineEnd, StringComparison.Ordinal) >= 0
            ? "contains more than one key; upload one"
            : "has text after its END line; upload the armored key alone";
    }

    /// <summary>
    /// Reads a stored key, which passed <see cref="TryCheck(string, DateTimeOffset, out KeyCheck?, out string)"/> when it
    /// was uploaded, to encrypt to it: to the subkey that check chose, its signatures not verified again (~1.3 ms per
    /// RSA-3072 key) nor its RSA modulus tested again (a Miller-Rabin round, ~55 ms). The sender reads each distinct
    /// key once after a restart, and a first fan-out to thousands of contacts with keys of their own paid both per key.
    /// A key stored without that choice (before it was kept) is chosen from again as at upload, without the modulus test.
    /// </summary>
    /// <param name="encryptionSubkey">the fingerprint of the subkey chosen at upload, or null.</param>
    /// <param name="expiresAt">when the key expires, as found at upload (used with <paramref name="encryptionSubkey"/>).</param>
    public static bool TryReadChecked(string armored, string? encryptionSubkey, DateTimeOffset? expiresAt, [NotNullWhen(true)] out KeyCheck? key)
    {
        // An early instant, so that what is read does not depend on when it is first read; expiry is the sender's check.
        if (encryptionSubkey is null) return TryCheck(armored, DateTimeOffset.UnixEpoch, testModulus: false, out key, out _);
        key = null;
        if (!TryParse(armored, out var ring, out _)) return false;
        var chosen = ring.GetPublicKeys().FirstOrDefault(k => Convert.ToHexString(k.GetFingerprint()) == encryptionSubkey);
        if (chosen is not { IsEncryptionKey: true }) return false;
        key = new KeyCheck(chosen, Convert.ToHexString(ring.GetPublicKey().GetFingerprint()), expiresAt, AlgorithmName(chosen));
        return true;
    }

    private static bool TryParse(string armored, [NotNullWhen(true)] out PgpPublicKeyRing? ring, out string error)
    {
        ring = null;
        error = "";
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armored)));
            var bundle = new PgpPublicKeyRingBundle(input);
            var rings = bundle.GetKeyRings().ToList();
            if (rings.Count == 0) { error = "contains no public key"; return false; }
            if (rings.Count > 1) { error = "contains more than one key; upload one"; return false; }
            ring = rings[0];
            return true;
        }
        catch (Exception e) when (e is IOException or PgpException or ArgumentException or InvalidCastException or InvalidOperationException)
        {
            error = "is not an ASCII-armored OpenPGP public key";
            return false;
        }
    }

    private static bool TryCheck(string armored, DateTimeOffset now, bool testModulus, [NotNullWhen(true)] out KeyCheck? key, out string error)
    {
        key = null;
        if (!TryParse(armored, out var ring, out error)) return false;
        try
        {
            return TryCheck(ring, now, testModulus, out key, out error);
        }
        // BouncyCastle reads a subpacket's value only when asked (a key expiration time of other than four bytes throws then).
        catch (Exception e) when (e is IOException or PgpException or ArgumentException or InvalidOperationException)
        {
            (key, error) = (null, "has a signature whose data cannot be read (a malformed subpacket)");
            return false;
        }
    }

    private static bool TryCheck(PgpPublicKeyRing ring, DateTimeOffset now, bool testModulus, [NotNullWhen(true)] out KeyCheck? key, out string error)
    {
        (key, error) = (null, "");

        var primary = ring.GetPublicKey();
        // Revocations count unverified: one that anyone appended can only make the key refused, never used.
        if (primary.HasRevocation()) { error = "is revoked"; return false; }
        if (SelfSignatures.Latest(primary) is not { } selfSignature) { error = "has no valid self-signature"; return false; }
        var primaryExpiry = SelfSignatures.Expiry(primary, selfSignature);
        if (primaryExpiry <= now) { error = $"expired on {primaryExpiry:yyyy-MM-dd}"; return false; }

        var candidates = ring.GetPublicKeys()
            .Where(k => k.IsEncryptionKey && !k.HasRevocation())
            .Select(k => (Key: k, Signature: k.IsMasterKey ? selfSignature : SelfSignatures.LatestBinding(k, primary)))
            .Where(c => c.Signature is not null && SelfSignatures.AllowsEncryption(c.Signature))
            .Select(c => (c.Key, Expiry: c.Key.IsMasterKey ? primaryExpiry : SelfSignatures.Expiry(c.Key, c.Signature!)))
            .Where(c => c.Expiry > now && (!testModulus || ModulusIsSound(c.Key)) && Curve25519PointIsSound(c.Key))
            .OrderBy(c => c.Key.IsMasterKey) // a subkey before the primary
            .ThenByDescending(c => c.Key.CreationTime)
            .ToList();
        var unusableRsa = testModulus && candidates.RemoveAll(c => !RsaEncrypts(c.Key)) > 0;
        if (candidates.Count == 0 && unusableRsa)
        {
            error = "has an RSA encryption subkey that cannot be encrypted to: its public exponent must be odd, above 1 and below "
                + "the modulus (and at most 64 bits long with a modulus over 3,072 bits), its modulus at most 16,384 bits";
            return false;
        }
        if (candidates.Count == 0) { error = "has no usable encryption subkey (none, or all expired, revoked, malformed or not bound to the key by its signature)"; return false; }

        var chosen = candidates[0];
        DateTimeOffset? expires = Min(primaryExpiry, chosen.Expiry);
        key = new KeyCheck(chosen.Key, Convert.ToHexString(primary.GetFingerprint()), expires == DateTimeOffset.MaxValue ? null : expires,
            AlgorithmName(chosen.Key));
        return true;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    // One Miller-Rabin round costs tens of ms for a 3072-bit modulus; a key shared by several contacts is checked once.
    // Emptied when full: each entry holds a modulus in hex (~1.6 kB for RSA-3072), and uploads never stop adding them.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> SoundModuli = new();
    private const int SoundModuliKept = 10_000;

    private static bool ModulusIsSound(PgpPublicKey key)
    {
        if (key.Algorithm is not (PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt)) return true;
        try
        {
            var rsa = (RsaKeyParameters)key.GetKey();
            if (!rsa.Modulus.TestBit(0) || rsa.Modulus.BitLength < 1024) return false;
            // A prime always passes; a real modulus fails the first round, so more rounds add nothing but time.
            if (SoundModuli.Count >= SoundModuliKept) SoundModuli.Clear();
            return SoundModuli.GetOrAdd(rsa.Modulus.ToString(16), _ => !rsa.Modulus.IsProbablePrime(1));
        }
        catch (Exception e) when (e is ArgumentException or PgpException) { return false; } // BouncyCastle's own checks (even, small factors)
    }

    /// <summary>
    /// Whether sending can encrypt to this (RSA) key: the exponent is odd, above 1 and below the modulus (an exponent of 1
    /// would "encrypt" to the session key itself), and one encryption with .NET's RSA, which sending uses, succeeds
    /// (OpenSSL refuses an exponent over 64 bits with a modulus over 3,072 bits, and moduli over 16,384 bits).
    /// </summary>
    private static bool RsaEncrypts(PgpPublicKey key)
    {
        if (key.Algorithm is not (PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt)) return true;
        try
        {
            var p = (RsaKeyParameters)key.GetKey();
            if (!p.Exponent.TestBit(0) || p.Exponent.BitLength < 2 || p.Exponent.CompareTo(p.Modulus) >= 0) return false;
            using var rsa = RSA.Create(new RSAParameters { Modulus = p.Modulus.ToByteArrayUnsigned(), Exponent = p.Exponent.ToByteArrayUnsigned() });
            rsa.Encrypt(RandomNumberGenerator.GetBytes(35), RSAEncryptionPadding.Pkcs1); // the size of an AES-256 session info
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or PgpException) { return false; }
    }

    // Points in any other form go through MimeKit, which checks them.
    private static bool Curve25519PointIsSound(PgpPublicKey key) =>
        key.PublicKeyPacket.Key is not ECDHPublicBcpgKey ecdh || !ecdh.CurveOid.Equals(Curve25519Ecdh.CurveOid)
        || Curve25519Ecdh.NativePoint(ecdh) is not { } point || Curve25519Ecdh.IsSound(point);

    private static string AlgorithmName(PgpPublicKey key) => key.Algorithm switch
    {
        PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt => $"RSA-{key.BitStrength}",
        PublicKeyAlgorithmTag.ECDH => "ECDH",
        PublicKeyAlgorithmTag.ElGamalEncrypt or PublicKeyAlgorithmTag.ElGamalGeneral => $"ElGamal-{key.BitStrength}",
        _ => key.Algorithm.ToString(),
    };
}

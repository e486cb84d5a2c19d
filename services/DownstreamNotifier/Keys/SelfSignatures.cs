using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace DownstreamNotifier.Keys;

/// <summary>
/// The signatures a key's owner made on it, verified: only these say what a key may do and until when. Anyone can
/// append a subkey, a user ID or a signature to a published key (keyservers kept such packets), so a subkey whose
/// binding signature the primary key did not make is not the owner's, and encrypting to it would hand the notice to
/// whoever appended it (RFC 4880, 11.1 and 5.2.3.3; GnuPG ignores such subkeys too).
/// </summary>
public static class SelfSignatures
{
    private static readonly int[] Certifications =
        [PgpSignature.PositiveCertification, PgpSignature.CasualCertification, PgpSignature.NoCertification, PgpSignature.DefaultCertification];

    /// <summary>The newest valid self-certification of a user ID, or direct-key signature, of the primary key.</summary>
    public static PgpSignature? Latest(PgpPublicKey primary) =>
        primary.GetUserIds()
            .SelectMany(id => primary.GetSignaturesForId(id)
                .Where(s => Certifications.Contains(s.SignatureType) && Verifies(primary, s, sig => sig.VerifyCertification(id, primary))))
            .Concat(primary.GetSignaturesOfType(PgpSignature.DirectKey).Where(s => Verifies(primary, s, sig => sig.VerifyCertification(primary))))
            .MaxBy(s => s.CreationTime);

    /// <summary>The newest subkey binding signature the primary key made on this subkey, verified.</summary>
    public static PgpSignature? LatestBinding(PgpPublicKey subkey, PgpPublicKey primary) =>
        subkey.GetSignaturesOfType(PgpSignature.SubkeyBinding)
            .Where(s => Verifies(primary, s, sig => sig.VerifyCertification(primary, subkey)))
            .MaxBy(s => s.CreationTime);

    /// <summary>When the key expires by this signature (its key expiration time counts from the key's creation).</summary>
    public static DateTimeOffset Expiry(PgpPublicKey key, PgpSignature signature)
    {
        var seconds = signature.GetHashedSubPackets()?.GetKeyExpirationTime() ?? 0;
        return seconds <= 0 ? DateTimeOffset.MaxValue : new DateTimeOffset(key.CreationTime.ToUniversalTime(), TimeSpan.Zero).AddSeconds(seconds);
    }

    /// <summary>Key flags, where the signature has them, must allow encryption.</summary>
    public static bool AllowsEncryption(PgpSignature signature)
    {
        var hashed = signature.GetHashedSubPackets();
        if (hashed is null || !hashed.HasSubpacket(SignatureSubpacketTag.KeyFlags)) return true;
        return (hashed.GetKeyFlags() & (PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage)) != 0;
    }

    /// <summary>
    /// Key flags must allow signing. Without key flags (keys from before them) a primary key may sign; a subkey may
    /// not: without the flag its binding says nothing about signing (and RFC 4880 requires a back-signature then).
    /// </summary>
    public static bool AllowsSigning(PgpSignature signature)
    {
        var hashed = signature.GetHashedSubPackets();
        if (hashed is null || !hashed.HasSubpacket(SignatureSubpacketTag.KeyFlags)) return signature.SignatureType != PgpSignature.SubkeyBinding;
        return (hashed.GetKeyFlags() & PgpKeyFlags.CanSign) != 0;
    }

    private static bool Verifies(PgpPublicKey primary, PgpSignature signature, Func<PgpSignature, bool> verify)
    {
        if (signature.KeyId != primary.KeyId) return false;
        try
        {
            signature.InitVerify(primary);
            return verify(signature);
        }
        catch (Exception e) when (e is PgpException or ArgumentException or InvalidOperationException or NotSupportedException) { return false; }
    }
}

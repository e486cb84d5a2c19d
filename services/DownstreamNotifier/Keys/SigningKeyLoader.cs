using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace DownstreamNotifier.Keys;

/// <summary>
/// Loads the team's armored secret key and chooses the key to sign with: a secret key with real key material (not
/// the placeholder "gpg --export-secret-subkeys" leaves of an offline primary key), allowed to sign by a verified
/// self-signature (primary) or binding signature (subkey), neither revoked nor expired; the newest such key. That the
/// passphrase opens it is checked here.
/// </summary>
public static class SigningKeyLoader
{
    public static bool TryLoad(string armored, string? passphrase, out PgpSecretKey? key, out string error) =>
        TryLoad(armored, passphrase, DateTimeOffset.UtcNow, out key, out error);

    public static bool TryLoad(string armored, string? passphrase, DateTimeOffset now, out PgpSecretKey? key, out string error)
    {
        key = null;
        error = "";
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armored)));
            var bundle = new PgpSecretKeyRingBundle(input);
            var candidates = bundle.GetKeyRings().SelectMany(r => SigningCandidates(r, now))
                .OrderByDescending(k => k.PublicKey.CreationTime).ToList();
            if (candidates.Count == 0)
            {
                error = "has no usable signing key (none with key material that a valid self-signature allows to sign, not revoked or expired; "
                    + "an offline primary key needs a signing subkey)";
                return false;
            }
            foreach (var candidate in candidates)
            {
                // Null for a key without material (gnu-dummy, a smartcard stub); a wrong passphrase throws.
                if (candidate.ExtractPrivateKey((passphrase ?? "").ToCharArray()) is null) continue;
                key = candidate;
                return true;
            }
            error = "has no signing key with its secret key material (only placeholders, e.g. of a key on a smartcard)";
            return false;
        }
        catch (Exception e) when (e is IOException or PgpException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            error = "is not an armored OpenPGP secret key that the passphrase opens";
            key = null;
            return false;
        }
    }

    private static IEnumerable<PgpSecretKey> SigningCandidates(PgpSecretKeyRing ring, DateTimeOffset now)
    {
        var primary = ring.GetPublicKey();
        if (primary.HasRevocation() || SelfSignatures.Latest(primary) is not { } selfSignature) yield break;
        var primaryExpiry = SelfSignatures.Expiry(primary, selfSignature);
        if (primaryExpiry <= now) yield break;
        foreach (var secret in ring.GetSecretKeys())
        {
            if (secret.IsPrivateKeyEmpty || !secret.IsSigningKey) continue;
            var pub = secret.PublicKey;
            if (pub.HasRevocation()) continue;
            var signature = pub.IsMasterKey ? selfSignature : SelfSignatures.LatestBinding(pub, primary);
            if (signature is null || !SelfSignatures.AllowsSigning(signature)) continue;
            if (!pub.IsMasterKey && SelfSignatures.Expiry(pub, signature) <= now) continue;
            yield return secret;
        }
    }
}

using Org.BouncyCastle.Bcpg.OpenPgp;

namespace DownstreamNotifier.Keys;

/// <summary>Loads the team's armored secret key and checks that the passphrase opens it.</summary>
public static class SigningKeyLoader
{
    public static bool TryLoad(string armored, string? passphrase, out PgpSecretKey? key, out string error)
    {
        key = null;
        error = "";
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armored)));
            var bundle = new PgpSecretKeyRingBundle(input);
            key = bundle.GetKeyRings().SelectMany(r => r.GetSecretKeys()).FirstOrDefault(k => k.IsSigningKey && !k.PublicKey.HasRevocation());
            if (key is null) { error = "has no signing key"; return false; }
            key.ExtractPrivateKey((passphrase ?? "").ToCharArray());
            return true;
        }
        catch (Exception e) when (e is IOException or PgpException or ArgumentException)
        {
            error = "is not an armored OpenPGP secret key that the passphrase opens";
            key = null;
            return false;
        }
    }
}

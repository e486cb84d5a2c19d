using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace DownstreamNotifier.Email;

/// <summary>The team's signing key, opened once (extracting the private key decrypts it with the passphrase).</summary>
public sealed record TeamSigner(PgpSecretKey SecretKey, PgpPrivateKey Key)
{
    public PgpPublicKey PublicKey => SecretKey.PublicKey;
    public PublicKeyAlgorithmTag Algorithm => SecretKey.PublicKey.Algorithm;

    public static TeamSigner Open(PgpSecretKey key, string? passphrase) => new(key, key.ExtractPrivateKey((passphrase ?? "").ToCharArray()));
}

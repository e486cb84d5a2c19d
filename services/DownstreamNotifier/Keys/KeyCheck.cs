using Org.BouncyCastle.Bcpg.OpenPgp;

namespace DownstreamNotifier.Keys;

/// <summary>A checked OpenPGP public key: the subkey to encrypt to, the primary key's fingerprint, the expiry.</summary>
public sealed record KeyCheck(PgpPublicKey EncryptionKey, string Fingerprint, DateTimeOffset? ExpiresAt, string Algorithm);

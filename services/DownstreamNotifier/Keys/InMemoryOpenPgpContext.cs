using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace DownstreamNotifier.Keys;

/// <summary>
/// An OpenPGP context with no keyring on disk: recipients' keys come from the database and the team's signing
/// key from settings, and both are passed in explicitly (<c>MultipartEncrypted.Encrypt(ctx, keys, entity)</c>),
/// so every lookup by address or key id finds nothing.
/// </summary>
public sealed class InMemoryOpenPgpContext(string? signingPassphrase = null) : OpenPgpContext
{
    protected override string GetPasswordForKey(PgpSecretKey key) => signingPassphrase ?? "";

    public override bool CanEncrypt(MailboxAddress mailbox, CancellationToken cancellationToken = default) => false;

    public override bool CanSign(MailboxAddress signer, CancellationToken cancellationToken = default) => false;

    protected override PgpPublicKeyRing GetPublicKeyRing(long keyId, CancellationToken cancellationToken) => null!;

    protected override Task<PgpPublicKeyRing?> GetPublicKeyRingAsync(long keyId, CancellationToken cancellationToken) => Task.FromResult<PgpPublicKeyRing?>(null);

    protected override PgpSecretKey GetSecretKey(long keyId, CancellationToken cancellationToken) =>
        throw new PrivateKeyNotFoundException(keyId, "no secret keys are held");

    public override IList<PgpPublicKey> GetPublicKeys(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default) =>
        throw new PublicKeyNotFoundException(mailboxes.First(), "keys are passed explicitly");

    public override PgpSecretKey GetSigningKey(MailboxAddress mailbox, CancellationToken cancellationToken = default) =>
        throw new PrivateKeyNotFoundException(mailbox, "signing keys are passed explicitly");

    public override MimePart Export(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override Task<MimePart> ExportAsync(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override void Export(IEnumerable<MailboxAddress> mailboxes, Stream stream, bool armor, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override Task ExportAsync(IEnumerable<MailboxAddress> mailboxes, Stream stream, bool armor, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override void Import(PgpPublicKeyRing keyring, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override void Import(PgpPublicKeyRingBundle bundle, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override void Import(PgpSecretKeyRing keyring, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override void Import(PgpSecretKeyRingBundle bundle, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}

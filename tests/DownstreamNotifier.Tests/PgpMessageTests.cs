using System.Text;
using Coordination.Testing;
using DownstreamNotifier.Email;
using DownstreamNotifier.Keys;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace DownstreamNotifier.Tests;

/// <summary>The notifier's own OpenPGP messages, read back by the real gpg.</summary>
public sealed class PgpMessageTests : IDisposable
{
    private readonly Gpg gpg = new();
    // The real time, not a fixed instant: the test makes its keys now, and gpg refuses to check a signature older
    // than the key that made it ("Time conflict"); a fixed instant made the signing test fail from that instant on.
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Theory]
    [InlineData("rsa", 100)]     // packet lengths of one octet
    [InlineData("rsa", 3_000)]   // two octets
    [InlineData("curve", 100)]
    [InlineData("curve", 20_000)] // five octets (above 8,383)
    public async Task A_message_to_an_RSA_or_Curve25519_key_is_what_gpg_decrypts_back(string kind, int length)
    {
        var key = await RecipientAsync(kind, $"{kind}@pgp.test");
        Assert.True(key.HasOwnEnvelope);
        var content = Content(length);

        var armored = PgpMessage.EncryptArmored(key, content, Now);

        var text = Encoding.ASCII.GetString(armored);
        Assert.StartsWith("-----BEGIN PGP MESSAGE-----\r\n", text);
        var (plain, status) = await gpg.DecryptWithStatusAsync(armored);
        Assert.Equal(Encoding.UTF8.GetString(content), plain);
        Assert.Contains(status, l => l.Contains("DECRYPTION_OKAY"));
        Assert.Contains(status, l => l.Contains("GOODMDC"));
    }

    [Theory]
    [InlineData("curve")]
    [InlineData("rsa")]
    public async Task A_message_signed_with_the_team_key_carries_a_signature_gpg_verifies(string teamKind)
    {
        var team = await SecretKeyAsync(teamKind, "psrt@team.test");
        var key = await RecipientAsync("curve", "reader@pgp.test");
        var content = Content(500);

        var armored = PgpMessage.EncryptArmored(key, content, Now, TeamSigner.Open(team, ""));

        var (plain, status) = await gpg.DecryptWithStatusAsync(armored);
        Assert.Equal(Encoding.UTF8.GetString(content), plain);
        var fingerprint = await gpg.FingerprintAsync("psrt@team.test");
        Assert.Contains(status, l => l.Contains("GOODSIG"));
        Assert.Contains(status, l => l.Contains($"VALIDSIG {fingerprint}"));
    }

    [Fact]
    public async Task A_Curve25519_point_of_low_order_is_a_key_problem_not_a_crash()
    {
        var key = await RecipientAsync("curve", "weak@pgp.test");
        key.Curve25519!.Point.AsSpan().Clear(); // u = 0: every shared secret with it is zero

        var e = Assert.Throws<NoticeKeyException>(() => PgpMessage.EncryptArmored(key, Content(100), Now));
        Assert.Contains("Curve25519", e.Message);
    }

    private async Task<RecipientKey> RecipientAsync(string kind, string email)
    {
        var armored = kind == "rsa" ? await gpg.NewRsaKeyAsync(email) : await gpg.NewCurve25519KeyAsync(email);
        Assert.True(OpenPgpKeyInspector.TryCheck(armored, Now, out var check, out var error), error);
        return RecipientKey.From(check);
    }

    private async Task<PgpSecretKey> SecretKeyAsync(string kind, string email)
    {
        _ = kind == "rsa" ? await gpg.NewRsaKeyAsync(email, withEncryptionSubkey: false) : await gpg.NewCurve25519KeyAsync(email);
        Assert.True(SigningKeyLoader.TryLoad(await gpg.ExportSecretAsync(email), "", out var key, out var error), error);
        return key!;
    }

    // Embargoed-looking text with a line ending every so often.
    private static byte[] Content(int length)
    {
        var random = new Random(length);
        var text = new StringBuilder("embargoed: ");
        while (text.Length < length) text.Append(random.Next(16) == 0 ? "\r\n" : ((char)random.Next('a', 'z' + 1)).ToString());
        return Encoding.UTF8.GetBytes(text.ToString()[..length]);
    }

    public void Dispose() => gpg.Dispose();
}

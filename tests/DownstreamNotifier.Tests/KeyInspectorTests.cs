using DownstreamNotifier.Keys;
using DownstreamNotifier.Tests.Support;

namespace DownstreamNotifier.Tests;

public sealed class KeyInspectorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTime Created = Now.UtcDateTime.AddDays(-1);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_Curve25519_key_whose_point_has_low_order_is_refused_where_it_is_uploaded(bool lowOrder)
    {
        var point = new byte[32]; // u = 0 has low order: every shared secret with it is zero
        if (!lowOrder) Geralt.X25519.GenerateKeyPair(point, new byte[32]);
        var primary = SignedKeys.NewPrimary(Created);
        var subkey = SignedKeys.Curve25519Subkey(point, Created);

        var usable = OpenPgpKeyInspector.TryCheck(SignedKeys.Armored(primary, (subkey, primary)), Now, out var check, out var error);

        Assert.Equal(!lowOrder, usable);
        if (lowOrder) Assert.Contains("no usable encryption", error);
        else Assert.Equal("ECDH", check!.Algorithm);
    }

    [Theory]
    [InlineData("composite")]
    [InlineData("prime")]
    [InlineData("even")]
    public void An_RSA_key_whose_modulus_is_prime_or_even_is_refused_where_it_is_uploaded(string modulus)
    {
        var composite = SignedKeys.CompositeModulus();
        var primary = SignedKeys.NewPrimary(Created);
        var subkey = SignedKeys.RsaSubkey(modulus switch { "prime" => SignedKeys.PrimeModulus(), "even" => composite.ShiftLeft(1), _ => composite }, Created);

        var usable = OpenPgpKeyInspector.TryCheck(SignedKeys.Armored(primary, (subkey, primary)), Now, out var check, out var error);

        Assert.Equal(modulus == "composite", usable);
        if (usable) Assert.Equal(subkey.KeyId, check!.EncryptionKey.KeyId);
        else Assert.Contains("no usable encryption", error);
    }

    [Fact]
    public void A_key_whose_signatures_carry_a_malformed_expiration_time_is_refused_not_an_error()
    {
        var primary = SignedKeys.NewPrimary(Created);
        var subkey = SignedKeys.RsaSubkey(SignedKeys.CompositeModulus(), Created);
        var oneByte = new Org.BouncyCastle.Bcpg.Sig.KeyExpirationTime(false, false, [1]); // four bytes in every valid key
        var armored = SignedKeys.ArmoredWithSubpacket(primary, oneByte, (subkey, primary));

        Assert.False(OpenPgpKeyInspector.TryCheck(armored, Now, out _, out var error));
        Assert.Contains("malformed", error);
        Assert.True(OpenPgpKeyInspector.TryCheck(SignedKeys.Armored(primary, (subkey, primary)), Now, out _, out _));
    }

    // The modulus test is a Miller-Rabin round (~55 ms for RSA-3072); the sender reads every distinct key once after a
    // restart, so it relies on the test made at upload. This key never passes an upload, which is how the test can tell.
    [Fact]
    public void The_sending_path_reads_a_stored_key_without_testing_its_modulus_again()
    {
        var primary = SignedKeys.NewPrimary(Created);
        var subkey = SignedKeys.RsaSubkey(SignedKeys.PrimeModulus(), Created);
        var armored = SignedKeys.Armored(primary, (subkey, primary));

        Assert.False(OpenPgpKeyInspector.TryCheck(armored, Now, out _, out _));
        foreach (var chosenAtUpload in new[] { null, Convert.ToHexString(subkey.GetFingerprint()) })
        {
            Assert.True(OpenPgpKeyInspector.TryReadChecked(armored, chosenAtUpload, null, out var check));
            Assert.Equal(subkey.KeyId, check.EncryptionKey.KeyId);
        }
    }

    // Anyone can append a subkey to a published key; the newest subkey is preferred, so an appended one would be chosen.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_subkey_whose_binding_signature_the_primary_key_did_not_make_is_never_encrypted_to(bool alsoAGenuineSubkey)
    {
        var primary = SignedKeys.NewPrimary(Created);
        var forger = SignedKeys.NewPrimary(Created);
        var genuine = SignedKeys.RsaSubkey(SignedKeys.CompositeModulus(), Created);
        var appended = SignedKeys.RsaSubkey(SignedKeys.CompositeModulus(), Created.AddHours(1));
        var armored = alsoAGenuineSubkey
            ? SignedKeys.Armored(primary, (genuine, primary), (appended, forger))
            : SignedKeys.Armored(primary, (appended, forger));

        Assert.Equal(alsoAGenuineSubkey, OpenPgpKeyInspector.TryCheck(armored, Now, out var check, out _));
        // A key stored before the upload's choice was kept: the sender verifies and chooses as the upload does.
        Assert.Equal(alsoAGenuineSubkey, OpenPgpKeyInspector.TryReadChecked(armored, null, null, out var read));
        if (!alsoAGenuineSubkey) return;
        Assert.Equal(genuine.KeyId, check!.EncryptionKey.KeyId);
        Assert.Equal(genuine.KeyId, read!.EncryptionKey.KeyId);
    }

    [Fact]
    public void The_sending_path_encrypts_to_the_subkey_chosen_at_upload_with_the_expiry_found_then()
    {
        var primary = SignedKeys.NewPrimary(Created);
        var older = SignedKeys.RsaSubkey(SignedKeys.CompositeModulus(), Created);
        var newer = SignedKeys.RsaSubkey(SignedKeys.CompositeModulus(), Created.AddHours(1));
        var armored = SignedKeys.Armored(primary, (older, primary), (newer, primary));
        var expires = Now.AddDays(30);

        Assert.True(OpenPgpKeyInspector.TryReadChecked(armored, Convert.ToHexString(older.GetFingerprint()), expires, out var check));
        Assert.Equal(older.KeyId, check.EncryptionKey.KeyId);
        Assert.Equal(expires, check.ExpiresAt);
        Assert.False(OpenPgpKeyInspector.TryReadChecked(armored, Convert.ToHexString(SignedKeys.NewPrimary(Created).PublicKey.GetFingerprint()), expires, out _));
    }

    // Only the first armor block is read: the key in a second (cat a.asc b.asc) would be dropped without a word.
    [Fact]
    public void Text_after_the_armor_block_such_as_a_second_key_is_refused()
    {
        var primary = SignedKeys.NewPrimary(Created);
        var one = SignedKeys.Armored(primary, (SignedKeys.RsaSubkey(SignedKeys.CompositeModulus(), Created), primary));
        var other = SignedKeys.NewPrimary(Created);
        var two = SignedKeys.Armored(other, (SignedKeys.RsaSubkey(SignedKeys.CompositeModulus(), Created), other));

        Assert.False(OpenPgpKeyInspector.TryCheck(one + two, Now, out _, out var error));
        Assert.Equal("contains more than one key; upload one", error);
        Assert.False(OpenPgpKeyInspector.TryCheck(one + "\nmore", Now, out _, out error));
        Assert.Contains("after its END line", error);
    }

    [Fact]
    public void A_key_whose_user_ID_was_certified_by_another_key_is_refused()
    {
        var primary = SignedKeys.NewPrimary(Created);
        var subkey = SignedKeys.RsaSubkey(SignedKeys.CompositeModulus(), Created);
        var owner = SignedKeys.Armored(primary, (subkey, primary));
        var stranger = SignedKeys.NewPrimary(Created);
        // The stranger certifies the user ID (with the primary's key ID) and binds the subkey: nothing the primary made.
        var forged = SignedKeys.Armored(SignedKeys.Impersonating(stranger, primary), (subkey, SignedKeys.Impersonating(stranger, primary)));

        Assert.True(OpenPgpKeyInspector.TryCheck(owner, Now, out _, out _));
        Assert.False(OpenPgpKeyInspector.TryCheck(forged, Now, out _, out var error));
        Assert.Contains("no valid self-signature", error);
    }
}

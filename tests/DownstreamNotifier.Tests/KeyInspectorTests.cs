using System.Text;
using DownstreamNotifier.Keys;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace DownstreamNotifier.Tests;

public sealed class KeyInspectorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_Curve25519_key_whose_point_has_low_order_is_refused_where_it_is_uploaded(bool lowOrder)
    {
        var point = new byte[32]; // u = 0 has low order: every shared secret with it is zero
        if (!lowOrder) Geralt.X25519.GenerateKeyPair(point, new byte[32]);
        var key = new PgpPublicKey(PublicKeyAlgorithmTag.ECDH, new X25519PublicKeyParameters(point), Now.UtcDateTime.AddDays(-1));

        var usable = OpenPgpKeyInspector.TryCheck(Armored(key), Now, out var check, out var error);

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
        var composite = BigInteger.ProbablePrime(520, Random).Multiply(BigInteger.ProbablePrime(520, Random));
        var key = RsaKey(modulus switch { "prime" => BigInteger.ProbablePrime(1030, Random), "even" => composite.ShiftLeft(1), _ => composite });

        var usable = OpenPgpKeyInspector.TryCheck(Armored(key), Now, out var check, out var error);

        Assert.Equal(modulus == "composite", usable);
        if (usable) Assert.Equal(key.KeyId, check!.EncryptionKey.KeyId);
        else Assert.Contains("no usable encryption", error);
    }

    // The modulus test is a Miller-Rabin round (~55 ms for RSA-3072); the sender reads every distinct key once after a
    // restart, so it relies on the test made at upload. This key never passes an upload, which is how the test can tell.
    [Fact]
    public void The_sending_path_reads_a_stored_key_without_testing_its_modulus_again()
    {
        var key = RsaKey(BigInteger.ProbablePrime(1030, Random));

        Assert.True(OpenPgpKeyInspector.TryReadChecked(Armored(key), Now, out var check));
        Assert.Equal(key.KeyId, check.EncryptionKey.KeyId);
        Assert.False(OpenPgpKeyInspector.TryCheck(Armored(key), Now, out _, out _));
    }

    private static readonly SecureRandom Random = new();

    // Built as a packet: BouncyCastle's RsaKeyParameters would refuse a prime modulus before the inspector saw it.
    private static PgpPublicKey RsaKey(BigInteger modulus) =>
        new(new PublicKeyPacket(PublicKeyPacket.Version4, PublicKeyAlgorithmTag.RsaGeneral, Now.UtcDateTime.AddDays(-1), new RsaPublicBcpgKey(modulus, BigInteger.ValueOf(65537))));

    private static string Armored(PgpPublicKey key)
    {
        using var output = new MemoryStream();
        using (var armor = new ArmoredOutputStream(output)) new PgpPublicKeyRing(key.GetEncoded()).Encode(armor);
        return Encoding.ASCII.GetString(output.ToArray());
    }
}

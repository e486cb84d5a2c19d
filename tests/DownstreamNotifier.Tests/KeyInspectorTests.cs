using System.Text;
using DownstreamNotifier.Keys;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Parameters;

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

    private static string Armored(PgpPublicKey key)
    {
        using var output = new MemoryStream();
        using (var armor = new ArmoredOutputStream(output)) new PgpPublicKeyRing(key.GetEncoded()).Encode(armor);
        return Encoding.ASCII.GetString(output.ToArray());
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Coordination.Hosting.Auth;

/// <summary>
/// Member tokens are "ct1.&lt;payload&gt;.&lt;mac&gt;": a base64url JSON payload and its HMAC-SHA256 under the
/// key all services share (Auth:SigningKey). A service checks a token locally; whether it was revoked
/// is a lookup in its own schema, fed by MemberAccessRevoked events.
/// </summary>
public sealed class MemberTokenCodec(IOptions<AuthOptions> options)
{
    private const string Prefix = "ct1.";
    private readonly byte[] key = options.Value.KeyBytes();

    public string Encode(MemberToken token)
    {
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(token));
        return Prefix + payload + "." + Base64Url(Mac(payload));
    }

    public MemberToken? Decode(string text)
    {
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var parts = text[Prefix.Length..].Split('.');
        if (parts.Length != 2) return null;
        try
        {
            var mac = FromBase64Url(parts[1]);
            if (!CryptographicOperations.FixedTimeEquals(mac, Mac(parts[0]))) return null;
            return JsonSerializer.Deserialize<MemberToken>(FromBase64Url(parts[0]));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>SHA-256 of the token text, for storing a token without keeping it.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private byte[] Mac(string payload) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(payload));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}

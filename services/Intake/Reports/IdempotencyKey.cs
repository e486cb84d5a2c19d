using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Intake.Validation;

namespace Intake.Reports;

/// <summary>
/// The Idempotency-Key request header (draft-ietf-httpapi-idempotency-key-header): a client-chosen string, bare or as a
/// quoted structured-field string. Only hashes of it are kept, and the secret it protects is sealed under it.
/// </summary>
public sealed class IdempotencyKey
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 255;
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private const string Rule = "must be one value of 1 to 255 printable ASCII characters (e.g. a UUID, bare or in double quotes; a comma only inside the quotes)";
    private static readonly byte[] SealInfo = "coordination intake: reporter token under an Idempotency-Key, v1"u8.ToArray();
    private const int NonceSize = 12, TagSize = 16;

    private readonly string key;

    private IdempotencyKey(string key)
    {
        this.key = key;
        Lookup = SHA256.HashData(Encoding.ASCII.GetBytes(key));
    }

    /// <summary>SHA-256 of the key: how an entry is found.</summary>
    public byte[] Lookup { get; }

    /// <returns>the request's key, or null when it has none or it is malformed (then named in <paramref name="errors"/>).</returns>
    public static IdempotencyKey? Read(IHeaderDictionary headers, ValidationErrors errors)
    {
        if (!headers.TryGetValue(Header, out var values)) return null;
        var key = values is [{ } value] ? OneKey(value) : null;
        if (key is null || key.Length is 0 or > MaxLength || string.IsNullOrWhiteSpace(key) || key.Any(c => c is < ' ' or > '~'))
        {
            errors.Add(Header, Rule);
            return null;
        }
        return new IdempotencyKey(key);
    }

    /// <summary>SHA-256 of the request's fields as bound (so spacing and member order of the JSON do not matter).</summary>
    public static byte[] RequestHash<T>(T request) => SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, JsonSerializerOptions.Web));

    /// <summary>AES-GCM under a key derived from the Idempotency-Key (HKDF-SHA256), bound to <paramref name="context"/>.</summary>
    public byte[] Seal(string secret, Guid context)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(SealingKey(), TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), context.ToByteArray());
        return sealedBytes;
    }

    /// <returns>the secret, or null when these bytes were not sealed under this key for <paramref name="context"/>.</returns>
    public string? Open(byte[] sealedBytes, Guid context)
    {
        if (sealedBytes.Length < NonceSize + TagSize) return null;
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(SealingKey(), TagSize);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain,
                context.ToByteArray());
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        return Encoding.UTF8.GetString(plain);
    }

    private byte[] SealingKey() => HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.ASCII.GetBytes(key), 32, salt: [], info: SealInfo);

    // Header lines given twice arrive as two values, or joined by ", " (RFC 9110 5.3): a list, not one key.
    private static string? OneKey(string value) => value.StartsWith('"') ? Unquote(value) : value.Contains(',') ? null : value;

    /// <summary>The content of a structured-field string ("..." with \" and \\ escapes); null if it is not one.</summary>
    private static string? Unquote(string value)
    {
        if (value.Length < 2 || value[^1] != '"') return null;
        var text = new StringBuilder(value.Length);
        for (var i = 1; i < value.Length - 1; i++)
        {
            var c = value[i];
            if (c == '"') return null;
            if (c == '\\')
            {
                if (++i == value.Length - 1 || value[i] is not ('"' or '\\')) return null;
                c = value[i];
            }
            text.Append(c);
        }
        return text.ToString();
    }
}

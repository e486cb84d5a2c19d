using System.Buffers.Text;
using System.Security.Cryptography;
using DownstreamNotifier;
using DownstreamNotifier.Links;
using Microsoft.Extensions.Options;

namespace DownstreamNotifier.Tests;

public sealed class LinkTokenTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private readonly NoticeLinks links = new(Options.Create(new NotifierOptions
    {
        PublicBaseUrl = "http://notifier.test",
        LinkKey = Convert.ToBase64String(Key),
    }));

    [Fact]
    public void A_token_is_taken_only_as_it_was_written()
    {
        var caseId = Guid.NewGuid();
        var contactId = Guid.NewGuid();
        // Tokens until one has both URL-safe characters, so each can be written the other base64 way.
        var token = "";
        for (var i = 0; !(token.Contains('-') && token.Contains('_')); i++) token = links.Token(caseId, contactId, 0, DateTimeOffset.UtcNow.AddDays(30 + i));

        var check = links.Check(token);
        Assert.True(check.Valid);
        Assert.Equal((caseId, contactId), (check.CaseId, check.ContactId));
        foreach (var variant in new[] { token.Replace('-', '+'), token.Replace('_', '/'), token[..8] + " " + token[8..], token + "\n", token + "=" })
            Assert.False(links.Check(variant).Valid, variant);
        // The last character holds bits the bytes do not use (the token's length is not a multiple of three): another
        // letter there decodes to the same bytes, and is refused all the same.
        Assert.NotEqual(0, token.Length % 4);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        static byte[] Lenient(string t) => Convert.FromBase64String(t.Replace('-', '+').Replace('_', '/').PadRight((t.Length + 3) / 4 * 4, '='));
        var sameBytes = alphabet.Select(c => token[..^1] + c).Where(v => v != token && Lenient(v).AsSpan().SequenceEqual(Lenient(token))).ToList();
        Assert.NotEmpty(sameBytes);
        Assert.All(sameBytes, v => Assert.False(links.Check(v).Valid, v));
    }

    [Fact]
    public void A_token_carries_the_contacts_link_generation_and_one_altered_there_is_refused()
    {
        var caseId = Guid.NewGuid();
        var contactId = Guid.NewGuid();
        var token = links.Token(caseId, contactId, 3, DateTimeOffset.UtcNow.AddDays(30));
        Assert.Equal((true, 3), (links.Check(token).Valid, links.Check(token).LinkGeneration));

        var bytes = Base64Url.DecodeFromChars(token);
        bytes[43] ^= 1; // the generation's last byte: 3 becomes 2
        Assert.False(links.Check(Base64Url.EncodeToString(bytes)).Valid);
    }

    [Fact]
    public void A_token_of_the_first_format_mailed_before_generations_is_still_read_as_generation_0()
    {
        var caseId = Guid.NewGuid();
        var contactId = Guid.NewGuid();
        var expires = DateTimeOffset.UtcNow.AddDays(30);
        // The first format: case, contact, expiry (big-endian seconds), then the HMAC-SHA256 of those 40 bytes.
        var first = new byte[40 + 32];
        caseId.TryWriteBytes(first.AsSpan(0, 16));
        contactId.TryWriteBytes(first.AsSpan(16, 16));
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(first.AsSpan(32, 8), expires.ToUnixTimeSeconds());
        HMACSHA256.HashData(Key, first.AsSpan(0, 40), first.AsSpan(40));

        var check = links.Check(Base64Url.EncodeToString(first));
        Assert.True(check.Valid);
        Assert.Equal((caseId, contactId, 0, expires.ToUnixTimeSeconds()), (check.CaseId, check.ContactId, check.LinkGeneration, check.ExpiresAt.ToUnixTimeSeconds()));
    }
}
